/**
 * How likely two directory records are to describe the same group or service.
 *
 * Scoring, and why:
 *
 * 1. The name is the anchor. A name similarity n in [0, 1] (token-similarity.ts) is the
 *    starting point: two records nobody would call by the same name are not duplicates, however
 *    much else they share.
 *
 * 2. Shared details support a name match. Each piece of evidence has a strength w, combined as
 *    independent evidence, support = 1 − Π(1 − w):
 *      same phone 0.7, same email 0.7, same web page 0.6 (same site on a host of its own 0.45),
 *      similar address 0.5 × similarity, nearby (≤ 50 m) 0.35, same postcode 0.3.
 *    Support can only lift a name part way, and only a name that already looks alike:
 *      base = n + (1 − n) × support × gate(n),  gate(n) = clamp((n − 0.3) / 0.4, 0, 1).
 *    With n ≤ 0.3 nothing lifts the score, so a church hall's phone, a council's website or a
 *    volunteer's email shared by "Sale Knit and Natter" and "Sale Book Club" never makes them
 *    duplicates on its own. From n = 0.7 up the full support applies, so "Trafford Foodbank"
 *    and "Trafford Food Bank Partnership" with the same phone come out as near-certain.
 *
 * 3. Contradicting details pull the score down: both have postcodes in different districts
 *    (0.6), sectors (0.45) or units (0.2); locations more than 1 km (0.6) or 200 m (0.3) apart;
 *    clearly different addresses (0.4, or 0.5 when the house or flat numbers differ); websites
 *    on two different hosts of their own (0.35). Combined the same way into conflict, then
 *      score = base × (1 − 0.55 × conflict × (1 − support)).
 *    So ten "Slimming World" groups with the same name at different venues do not merge, but a
 *    stale record with an old address is still found when the phone or email is the same:
 *    strong identifiers cancel most of a location conflict. Different phones or emails are not
 *    a conflict: organisations often have several.
 *
 * Everything is symmetric, the score is in [0, 1], and a record with a name compared with
 * itself scores exactly 1 (equal names give n = 1 and nothing conflicts). Scores are rounded
 * to four decimals.
 */

import { haversineMetres } from '../geo/geometry.js';
import { addressTokens, addressTokenWeight } from './addresses.js';
import {
  isSharedHost,
  normaliseEmail,
  normalisePhone,
  normalisePostcode,
  normaliseWebsite,
  websiteHost,
} from './contact-details.js';
import { nameTokens, nameTokenWeight } from './names.js';
import { compareTokens } from './token-similarity.js';

export type DirectoryRecordKind = 'group' | 'service';

/** The fields of a group or service that duplicate detection looks at. */
export type DirectoryRecord = {
  readonly id: string;
  readonly kind: DirectoryRecordKind;
  readonly name: string;
  readonly address?: string | null;
  readonly postcode?: string | null;
  readonly phone?: string | null;
  readonly email?: string | null;
  readonly website?: string | null;
  readonly lon?: number | null;
  readonly lat?: number | null;
};

/**
 * Why two records look alike, as machine-readable codes with the evidence, for the UI to
 * translate. `a` and `b` are the values from the first and second record compared.
 */
export type DuplicateReason =
  | { readonly code: 'same-name'; readonly value: string }
  | { readonly code: 'similar-name'; readonly a: string; readonly b: string; readonly similarity: number }
  | { readonly code: 'same-phone'; readonly value: string }
  | { readonly code: 'same-email'; readonly value: string }
  | { readonly code: 'same-website'; readonly value: string; readonly match: 'page' | 'site' }
  | { readonly code: 'similar-address'; readonly a: string; readonly b: string; readonly similarity: number }
  | { readonly code: 'same-postcode'; readonly value: string }
  | { readonly code: 'nearby'; readonly metres: number };

export type DuplicateReasonCode = DuplicateReason['code'];

export type RecordComparison = {
  /** 0 (nothing alike) to 1 (as alike as a record is to itself). */
  readonly score: number;
  /** The evidence found, strongest kinds first; empty when nothing is alike. */
  readonly reasons: readonly DuplicateReason[];
};

/** A record with every field normalised once, so large sets are compared quickly. */
export type PreparedRecord<T extends DirectoryRecord = DirectoryRecord> = {
  readonly record: T;
  readonly nameTokens: readonly string[];
  readonly phone: string | null;
  readonly email: string | null;
  readonly website: string | null;
  /** The website's host when the host belongs to one organisation (not a shared host). */
  readonly ownHost: string | null;
  readonly postcode: string | null;
  readonly addressTokens: readonly string[];
  readonly position: readonly [lon: number, lat: number] | null;
};

/** Names at least this alike are reported as similar-name. */
export const SIMILAR_NAME = 0.75;
/** Addresses at least this alike are reported as similar-address and count as support. */
export const SIMILAR_ADDRESS = 0.8;
/** Locations at most this far apart are reported as nearby. */
export const NEARBY_METRES = 50;

/** Name similarity when the names' numbers disagree ("1st Sale Scouts"/"2nd Sale Scouts"). */
const NUMBER_CONFLICT_CAP = 0.4;

function validPosition(lon: number | null | undefined, lat: number | null | undefined) {
  if (typeof lon !== 'number' || typeof lat !== 'number') return null;
  if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) return null;
  return [lon, lat] as const;
}

/** Normalises a record's fields once for comparing. */
export function prepareRecord<T extends DirectoryRecord>(record: T): PreparedRecord<T> {
  const website = normaliseWebsite(record.website);
  const host = website === null ? null : websiteHost(website);
  return {
    record,
    nameTokens: nameTokens(record.name ?? ''),
    phone: normalisePhone(record.phone),
    email: normaliseEmail(record.email),
    website,
    ownHost: host !== null && !isSharedHost(host) ? host : null,
    postcode: normalisePostcode(record.postcode),
    addressTokens: record.address ? addressTokens(record.address) : [],
    position: validPosition(record.lon, record.lat),
  };
}

/** Similarity of two names in [0, 1]: 1 when their normalised forms have the same words. */
export function nameSimilarity(a: string, b: string): number {
  return similarityOfNames(nameTokens(a), nameTokens(b));
}

function similarityOfNames(a: readonly string[], b: readonly string[]): number {
  const { dice, numbersConflict } = compareTokens(a, b, nameTokenWeight);
  return numbersConflict ? Math.min(dice, NUMBER_CONFLICT_CAP) : dice;
}

/**
 * Similarity of two addresses in [0, 1]: the mean of Dice and containment, so "Oakfield Road,
 * Altrincham" is close to "Oakfield Road, Station Site, Altrincham". Different house or flat
 * numbers keep it at 0.3 or below.
 */
export function addressSimilarity(a: string, b: string): number {
  return similarityOfAddresses(addressTokens(a), addressTokens(b)).similarity;
}

function similarityOfAddresses(a: readonly string[], b: readonly string[]) {
  const { dice, overlap, numbersConflict } = compareTokens(a, b, addressTokenWeight);
  const similarity = (dice + overlap) / 2;
  return { similarity: numbersConflict ? Math.min(similarity, 0.3) : similarity, numbersConflict };
}

/** Strength of each kind of supporting evidence; see the module comment. */
const SUPPORT = {
  phone: 0.7,
  email: 0.7,
  websitePage: 0.6,
  websiteSite: 0.45,
  address: 0.5,
  nearby: 0.35,
  postcode: 0.3,
} as const;

const round4 = (value: number) => Math.round(value * 10_000) / 10_000;

function combine(strengths: readonly number[]): number {
  let none = 1;
  for (const strength of [...strengths].sort((x, y) => x - y)) none *= 1 - strength;
  return 1 - none;
}

function postcodeConflict(a: string, b: string): number {
  if (a === b) return 0;
  const [outwardA, inwardA = ''] = a.split(' ');
  const [outwardB, inwardB = ''] = b.split(' ');
  if (outwardA !== outwardB) return 0.6;
  if (inwardA[0] !== inwardB[0]) return 0.45;
  return 0.2;
}

/** Compares two prepared records; see the module comment for the scoring. */
export function comparePrepared(a: PreparedRecord, b: PreparedRecord): RecordComparison {
  const reasons: DuplicateReason[] = [];
  const support: number[] = [];
  const conflict: number[] = [];

  const nameScore = round4(similarityOfNames(a.nameTokens, b.nameTokens));
  if (nameScore === 1) {
    reasons.push({ code: 'same-name', value: a.record.name });
  } else if (nameScore >= SIMILAR_NAME) {
    reasons.push({ code: 'similar-name', a: a.record.name, b: b.record.name, similarity: nameScore });
  }

  if (a.phone !== null && a.phone === b.phone) {
    reasons.push({ code: 'same-phone', value: a.phone });
    support.push(SUPPORT.phone);
  }
  if (a.email !== null && a.email === b.email) {
    reasons.push({ code: 'same-email', value: a.email });
    support.push(SUPPORT.email);
  }
  if (a.website !== null && a.website === b.website) {
    reasons.push({ code: 'same-website', value: a.website, match: 'page' });
    support.push(SUPPORT.websitePage);
  } else if (a.ownHost !== null && a.ownHost === b.ownHost) {
    reasons.push({ code: 'same-website', value: a.ownHost, match: 'site' });
    support.push(SUPPORT.websiteSite);
  } else if (a.ownHost !== null && b.ownHost !== null) {
    conflict.push(0.35);
  }

  if (a.addressTokens.length > 0 && b.addressTokens.length > 0) {
    const { similarity, numbersConflict } = similarityOfAddresses(a.addressTokens, b.addressTokens);
    const rounded = round4(similarity);
    if (rounded >= SIMILAR_ADDRESS) {
      reasons.push({
        code: 'similar-address',
        a: a.record.address ?? '',
        b: b.record.address ?? '',
        similarity: rounded,
      });
      support.push(SUPPORT.address * rounded);
    } else if (numbersConflict) {
      conflict.push(0.5);
    } else if (rounded < 0.5) {
      conflict.push(0.4);
    }
  }

  if (a.postcode !== null && b.postcode !== null) {
    if (a.postcode === b.postcode) {
      reasons.push({ code: 'same-postcode', value: a.postcode });
      support.push(SUPPORT.postcode);
    } else {
      conflict.push(postcodeConflict(a.postcode, b.postcode));
    }
  }

  if (a.position !== null && b.position !== null) {
    const metres = haversineMetres(a.position, b.position);
    if (metres <= NEARBY_METRES) {
      reasons.push({ code: 'nearby', metres: Math.round(metres) });
      support.push(SUPPORT.nearby);
    } else if (metres > 1000) {
      conflict.push(0.6);
    } else if (metres > 200) {
      conflict.push(0.3);
    }
  }

  const supportTotal = combine(support);
  const gate = Math.min(1, Math.max(0, (nameScore - 0.3) / 0.4));
  const base = nameScore + (1 - nameScore) * supportTotal * gate;
  const score = base * (1 - 0.55 * combine(conflict) * (1 - supportTotal));
  return { score: round4(Math.min(1, Math.max(0, score))), reasons };
}

/** How likely a and b are to be the same group or service: a score in [0, 1] and the reasons. */
export function compareRecords(a: DirectoryRecord, b: DirectoryRecord): RecordComparison {
  return comparePrepared(prepareRecord(a), prepareRecord(b));
}
