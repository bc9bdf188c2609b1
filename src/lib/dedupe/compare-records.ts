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
import { addressTokens, addressTokenUnits } from './addresses.js';
import {
  isSharedHost,
  normaliseEmail,
  normalisePhone,
  normalisePostcode,
  normaliseWebsite,
  websiteHost,
} from './contact-details.js';
import { nameTokens, nameTokenUnits } from './names.js';
import { compareTokenLists, type TokenList, tokenList, withSharedVocabulary } from './token-similarity.js';

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

/**
 * A record with every field normalised once, so large sets are compared quickly. Its fields
 * are internal to this library.
 */
export type PreparedRecord<T extends DirectoryRecord = DirectoryRecord> = {
  readonly record: T;
  readonly name: TokenList;
  readonly address: TokenList;
  readonly phone: string | null;
  readonly email: string | null;
  readonly website: string | null;
  /** The website's host when the host belongs to one organisation (not a shared host). */
  readonly ownHost: string | null;
  readonly postcode: string | null;
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
  if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90)
    return null;
  return [lon, lat] as const;
}

/** Normalises a record's fields once for comparing. */
export function prepareRecord<T extends DirectoryRecord>(record: T): PreparedRecord<T> {
  const website = normaliseWebsite(record.website);
  const host = website === null ? null : websiteHost(website);
  return {
    record,
    name: tokenList(nameTokens(record.name ?? ''), nameTokenUnits),
    address: tokenList(record.address ? addressTokens(record.address) : [], addressTokenUnits),
    phone: normalisePhone(record.phone),
    email: normaliseEmail(record.email),
    website,
    ownHost: host !== null && !isSharedHost(host) ? host : null,
    postcode: normalisePostcode(record.postcode),
    position: validPosition(record.lon, record.lat),
  };
}

/**
 * The same prepared records made quicker to compare with each other (see withSharedVocabulary);
 * only valid for comparing records of this set with each other.
 */
export function withSharedVocabularies<T extends DirectoryRecord>(
  prepared: readonly PreparedRecord<T>[],
): PreparedRecord<T>[] {
  const names = withSharedVocabulary(prepared.map((record) => record.name));
  const addresses = withSharedVocabulary(prepared.map((record) => record.address));
  // Field by field in the same order as prepareRecord, so every prepared record has one shape.
  return prepared.map((record, i) => ({
    record: record.record,
    name: names[i] as TokenList,
    address: addresses[i] as TokenList,
    phone: record.phone,
    email: record.email,
    website: record.website,
    ownHost: record.ownHost,
    postcode: record.postcode,
    position: record.position,
  }));
}

/** Similarity of two names in [0, 1]: 1 when their normalised forms have the same words. */
export function nameSimilarity(a: string, b: string): number {
  return similarityOfNames(
    tokenList(nameTokens(a), nameTokenUnits),
    tokenList(nameTokens(b), nameTokenUnits),
  );
}

function similarityOfNames(a: TokenList, b: TokenList): number {
  const { dice, numbersConflict } = compareTokenLists(a, b, nameTokenUnits);
  return numbersConflict ? Math.min(dice, NUMBER_CONFLICT_CAP) : dice;
}

/**
 * Similarity of two addresses in [0, 1]: the mean of Dice and containment, so "Oakfield Road,
 * Altrincham" is close to "Oakfield Road, Station Site, Altrincham". Different house or flat
 * numbers keep it at 0.3 or below.
 */
export function addressSimilarity(a: string, b: string): number {
  return similarityOfAddresses(
    tokenList(addressTokens(a), addressTokenUnits),
    tokenList(addressTokens(b), addressTokenUnits),
  ).similarity;
}

function similarityOfAddresses(a: TokenList, b: TokenList) {
  const { dice, overlap, numbersConflict } = compareTokenLists(a, b, addressTokenUnits);
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

/** Strength of each kind of contradicting evidence; see the module comment. */
const CONFLICT = {
  otherWebsites: 0.35,
  addressNumbers: 0.5,
  otherAddress: 0.4,
  otherDistrict: 0.6,
  otherSector: 0.45,
  otherUnit: 0.2,
  overOneKilometre: 0.6,
  overTwoHundredMetres: 0.3,
} as const;

/** How much n can be lifted by shared details; see the module comment. */
function gate(nameScore: number): number {
  return Math.min(1, Math.max(0, (nameScore - 0.3) / 0.4));
}

/** For two different normalised postcodes ("M33 7WR"): same district, same sector, or neither. */
function postcodeConflict(a: string, b: string): number {
  const space = a.indexOf(' ');
  if (space !== b.indexOf(' ') || a.slice(0, space) !== b.slice(0, space)) return CONFLICT.otherDistrict;
  if (a[space + 1] !== b[space + 1]) return CONFLICT.otherSector;
  return CONFLICT.otherUnit;
}

/**
 * Compares two prepared records, or returns null as soon as it is clear the score will be below
 * `atLeast` (so the clustering of a whole directory can skip most of the work).
 */
export function scorePrepared(
  a: PreparedRecord,
  b: PreparedRecord,
  atLeast: number,
): RecordComparison | null {
  const nameScore = round4(similarityOfNames(a.name, b.name));
  const lift = gate(nameScore);
  // Even the strongest support cannot take the score above this.
  if (round4(nameScore + (1 - nameScore) * lift) < atLeast) return null;

  // Evidence is combined as 1 − Π(1 − strength); `unsupported` and `unconflicted` are the
  // products, multiplied in a fixed order so that the result does not depend on the sides.
  let unsupported = 1;
  let unconflicted = 1;
  const samePhone = a.phone !== null && a.phone === b.phone;
  if (samePhone) unsupported *= 1 - SUPPORT.phone;
  const sameEmail = a.email !== null && a.email === b.email;
  if (sameEmail) unsupported *= 1 - SUPPORT.email;
  const samePage = a.website !== null && a.website === b.website;
  const sameSite = !samePage && a.ownHost !== null && a.ownHost === b.ownHost;
  if (samePage) unsupported *= 1 - SUPPORT.websitePage;
  else if (sameSite) unsupported *= 1 - SUPPORT.websiteSite;
  else if (a.ownHost !== null && b.ownHost !== null) unconflicted *= 1 - CONFLICT.otherWebsites;

  const samePostcode = a.postcode !== null && a.postcode === b.postcode;
  if (samePostcode) unsupported *= 1 - SUPPORT.postcode;
  else if (a.postcode !== null && b.postcode !== null)
    unconflicted *= 1 - postcodeConflict(a.postcode, b.postcode);

  const metres = a.position !== null && b.position !== null ? haversineMetres(a.position, b.position) : null;
  if (metres !== null) {
    if (metres <= NEARBY_METRES) unsupported *= 1 - SUPPORT.nearby;
    else if (metres > 1000) unconflicted *= 1 - CONFLICT.overOneKilometre;
    else if (metres > 200) unconflicted *= 1 - CONFLICT.overTwoHundredMetres;
  }

  // The address comparison costs the most, so first check that it could matter: at best it
  // adds full address support and no conflict.
  const bothAddresses = a.address.tokens.length > 0 && b.address.tokens.length > 0;
  const leastUnsupported = bothAddresses ? unsupported * (1 - SUPPORT.address) : unsupported;
  const best = nameScore + (1 - nameScore) * (1 - leastUnsupported) * lift;
  if (round4(best * (1 - 0.55 * (1 - unconflicted) * leastUnsupported)) < atLeast) return null;

  let addressScore: number | null = null;
  if (bothAddresses) {
    const { similarity, numbersConflict } = similarityOfAddresses(a.address, b.address);
    addressScore = round4(similarity);
    if (addressScore >= SIMILAR_ADDRESS) unsupported *= 1 - SUPPORT.address * addressScore;
    else if (numbersConflict) unconflicted *= 1 - CONFLICT.addressNumbers;
    else if (addressScore < 0.5) unconflicted *= 1 - CONFLICT.otherAddress;
  }

  const support = 1 - unsupported;
  const base = nameScore + (1 - nameScore) * support * lift;
  const score = round4(Math.min(1, Math.max(0, base * (1 - 0.55 * (1 - unconflicted) * unsupported))));
  if (score < atLeast) return null;

  const reasons: DuplicateReason[] = [];
  if (nameScore === 1) {
    reasons.push({ code: 'same-name', value: a.record.name });
  } else if (nameScore >= SIMILAR_NAME) {
    reasons.push({ code: 'similar-name', a: a.record.name, b: b.record.name, similarity: nameScore });
  }
  if (samePhone) reasons.push({ code: 'same-phone', value: a.phone as string });
  if (sameEmail) reasons.push({ code: 'same-email', value: a.email as string });
  if (samePage) reasons.push({ code: 'same-website', value: a.website as string, match: 'page' });
  if (sameSite) reasons.push({ code: 'same-website', value: a.ownHost as string, match: 'site' });
  if (addressScore !== null && addressScore >= SIMILAR_ADDRESS) {
    reasons.push({
      code: 'similar-address',
      a: a.record.address ?? '',
      b: b.record.address ?? '',
      similarity: addressScore,
    });
  }
  if (samePostcode) reasons.push({ code: 'same-postcode', value: a.postcode as string });
  if (metres !== null && metres <= NEARBY_METRES)
    reasons.push({ code: 'nearby', metres: Math.round(metres) });
  return { score, reasons };
}

/** Compares two prepared records; see the module comment for the scoring. */
export function comparePrepared(a: PreparedRecord, b: PreparedRecord): RecordComparison {
  return scorePrepared(a, b, 0) as RecordComparison;
}

/** How likely a and b are to be the same group or service: a score in [0, 1] and the reasons. */
export function compareRecords(a: DirectoryRecord, b: DirectoryRecord): RecordComparison {
  return comparePrepared(prepareRecord(a), prepareRecord(b));
}
