/**
 * A proposal for merging a duplicate into a primary record, for an officer to check before
 * confirming. Pure: it changes nothing, it says what the merged record would hold.
 */

import { haversineMetres } from '../geo/geometry.js';
import { normaliseAddress } from './addresses.js';
import { type DirectoryRecord, NEARBY_METRES } from './compare-records.js';
import { normaliseEmail, normalisePhone, normalisePostcode, normaliseWebsite } from './contact-details.js';
import { normaliseName } from './names.js';

type TextField = 'name' | 'address' | 'postcode' | 'phone' | 'email' | 'website';

export type MergeField = TextField | 'location' | 'kind';

export type MergeConflict =
  | { readonly field: TextField | 'kind'; readonly primary: string; readonly duplicate: string }
  | {
      readonly field: 'location';
      readonly primary: { readonly lon: number; readonly lat: number };
      readonly duplicate: { readonly lon: number; readonly lat: number };
    };

export type MergeProposal<T extends DirectoryRecord> = {
  /** The primary record with its empty fields filled from the duplicate. */
  readonly merged: T;
  /** Fields taken from the duplicate because the primary had none. */
  readonly filled: readonly MergeField[];
  /** Fields where both have a value and they differ; the merged record keeps the primary's. */
  readonly conflicts: readonly MergeConflict[];
};

/**
 * How each field is compared: values that normalise to the same key are not a conflict
 * ("0161 980 6090" and "+44 161 9806090"). A normaliser returning null means the value is not
 * a real one of its kind ("n/a" as a phone number); such a value is never copied across.
 */
const TEXT_FIELDS: readonly { field: TextField; key: (value: string) => string | null }[] = [
  { field: 'name', key: (value) => normaliseName(value) || null },
  { field: 'address', key: (value) => normaliseAddress(value) || null },
  { field: 'postcode', key: normalisePostcode },
  { field: 'phone', key: normalisePhone },
  { field: 'email', key: normaliseEmail },
  { field: 'website', key: normaliseWebsite },
];

function present(value: string | null | undefined): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function positionOf(record: DirectoryRecord) {
  const { lon, lat } = record;
  if (typeof lon !== 'number' || typeof lat !== 'number' || !Number.isFinite(lon) || !Number.isFinite(lat)) {
    return null;
  }
  return { lon, lat };
}

/**
 * What merging `duplicate` into `primary` would give: the primary's values are kept, its gaps
 * (empty or junk values) filled from the duplicate, and every field where both have a real
 * value and the two disagree is listed. The merged
 * record keeps the primary's id, kind and any fields this library does not know about.
 */
export function mergeRecords<T extends DirectoryRecord>(
  primary: T,
  duplicate: DirectoryRecord,
): MergeProposal<T> {
  const merged: Record<string, unknown> = { ...primary };
  const filled: MergeField[] = [];
  const conflicts: MergeConflict[] = [];

  if (primary.kind !== duplicate.kind) {
    conflicts.push({ field: 'kind', primary: primary.kind, duplicate: duplicate.kind });
  }

  for (const { field, key } of TEXT_FIELDS) {
    const mine = primary[field];
    const theirs = duplicate[field];
    const theirKey = present(theirs) ? key(theirs) : null;
    if (theirs === null || theirs === undefined || theirKey === null) continue;
    const myKey = present(mine) ? key(mine) : null;
    if (myKey === null) {
      // Empty, or junk such as "n/a": a gap to fill.
      merged[field] = theirs;
      filled.push(field);
    } else if (myKey !== theirKey) {
      conflicts.push({ field, primary: mine as string, duplicate: theirs });
    }
  }

  const myPosition = positionOf(primary);
  const theirPosition = positionOf(duplicate);
  if (theirPosition !== null) {
    if (myPosition === null) {
      merged.lon = theirPosition.lon;
      merged.lat = theirPosition.lat;
      filled.push('location');
    } else if (
      haversineMetres([myPosition.lon, myPosition.lat], [theirPosition.lon, theirPosition.lat]) >
      NEARBY_METRES
    ) {
      conflicts.push({ field: 'location', primary: myPosition, duplicate: theirPosition });
    }
  }

  return { merged: merged as T, filled, conflicts };
}
