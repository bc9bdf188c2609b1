/**
 * Finding duplicates among many records without comparing every pair.
 *
 * Blocking: each record gets keys, and only records sharing a key are compared. A score above
 * zero needs some name similarity (compare-records.ts: with no name tokens in common nothing can
 * lift the score), and name tokens only match when equal, one edit apart (five letters or more)
 * or split differently. So these name keys find every pair that can score above zero:
 *   n:<token>         every name token, and every two neighbouring tokens written together
 *                     ("food bank" also gives n:foodbank);
 *   d:<token>         words of five letters or more (no digits) and each of them with one
 *                     letter deleted: two words one edit apart always share one of these.
 * That makes the finder (createDuplicateFinder, findLikelyDuplicates) exact: it returns the same
 * as comparing the candidate with every record.
 *
 * Clustering a whole directory cannot afford the very common keys ("club", "sale", "1"): a key
 * held by 5,000 records would mean 12 million comparisons. clusterDuplicates therefore skips any
 * key held by more than MAX_BLOCK records, and adds keys that stay selective: the whole name,
 * pairs of name tokens, phone, email, website page and host, and postcode. A pair is then only
 * missed when every word the two names share is very common and so is each other shared detail;
 * such names are mostly generic words, which are weak evidence anyway.
 */

import {
  type DirectoryRecord,
  type DuplicateReason,
  type PreparedRecord,
  prepareRecord,
  scorePrepared,
  withSharedVocabularies,
} from './compare-records.js';
import { GENERIC_NAME_WORDS } from './names.js';

/** Recommended threshold for warning someone creating or importing a record. */
export const WARN_ON_CREATE_THRESHOLD = 0.7;
/** Recommended threshold for listing records on the officers' data-quality page. */
export const DATA_QUALITY_THRESHOLD = 0.85;

/** Clustering skips blocking keys held by more records than this. */
export const MAX_BLOCK = 60;

export type DuplicateMatch<T extends DirectoryRecord> = {
  readonly record: T;
  readonly score: number;
  readonly reasons: readonly DuplicateReason[];
};

export type FindOptions = {
  /** Lowest score returned (inclusive); default WARN_ON_CREATE_THRESHOLD. */
  readonly threshold?: number;
  /** Most matches returned; default 5. */
  readonly limit?: number;
};

/** Keys for a word and, for words of five letters or more, the word with each letter deleted. */
function addWordKeys(keys: Set<string>, token: string): void {
  keys.add(`n:${token}`);
  if (token.length >= 5 && !/\d/.test(token)) {
    keys.add(`d:${token}`);
    for (let at = 0; at < token.length; at++) keys.add(`d:${token.slice(0, at)}${token.slice(at + 1)}`);
  }
}

function nameKeys(prepared: PreparedRecord): Set<string> {
  const keys = new Set<string>();
  for (const token of prepared.name.tokens) addWordKeys(keys, token);
  for (const pair of prepared.name.joinedPairs) keys.add(`n:${pair}`);
  return keys;
}

/**
 * Keys for clustering. `common` holds the name tokens too common to block on: their own keys
 * (and those of their typos) would be skipped anyway, so they are not made. Two common tokens
 * together are usually selective ("sale" and "badminton" are each common, "sale badminton" is
 * not), so those pairs get a key of their own.
 */
function clusterKeys(prepared: PreparedRecord, common: ReadonlySet<string>): Set<string> {
  const keys = new Set<string>();
  const { tokens, joinedPairs } = prepared.name;
  const frequent: string[] = [];
  for (const token of tokens) {
    if (!common.has(token)) addWordKeys(keys, token);
    else if (!GENERIC_NAME_WORDS.has(token) && !frequent.includes(token)) frequent.push(token);
  }
  for (const pair of joinedPairs) keys.add(`n:${pair}`);
  if (tokens.length > 0) keys.add(`N:${[...tokens].sort().join(' ')}`);
  frequent.sort();
  for (let i = 0; i < frequent.length; i++) {
    for (let j = i + 1; j < frequent.length; j++) keys.add(`P:${frequent[i]} ${frequent[j]}`);
  }
  if (prepared.phone) keys.add(`p:${prepared.phone}`);
  if (prepared.email) keys.add(`e:${prepared.email}`);
  if (prepared.website) keys.add(`w:${prepared.website}`);
  if (prepared.ownHost) keys.add(`h:${prepared.ownHost}`);
  if (prepared.postcode) keys.add(`c:${prepared.postcode}`);
  return keys;
}

function byScoreThenId<T extends DirectoryRecord>(x: DuplicateMatch<T>, y: DuplicateMatch<T>): number {
  return y.score - x.score || compareIds(x.record.id, y.record.id);
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Indexes existing records once, for checking many candidates against them (an import). The
 * returned function gives the same as findLikelyDuplicates(candidate, existing, options).
 */
export function createDuplicateFinder<T extends DirectoryRecord>(
  existing: readonly T[],
): (candidate: DirectoryRecord, options?: FindOptions) => DuplicateMatch<T>[] {
  const prepared = existing.map(prepareRecord);
  const index = new Map<string, number[]>();
  prepared.forEach((record, i) => {
    for (const key of nameKeys(record)) {
      const holders = index.get(key);
      if (holders) holders.push(i);
      else index.set(key, [i]);
    }
  });

  return (candidate, options = {}) => {
    const threshold = options.threshold ?? WARN_ON_CREATE_THRESHOLD;
    const limit = options.limit ?? 5;
    const target = prepareRecord(candidate);
    let indices: Iterable<number>;
    if (threshold > 0) {
      const found = new Set<number>();
      for (const key of nameKeys(target)) for (const i of index.get(key) ?? []) found.add(i);
      indices = found;
    } else {
      // Everything scores at least 0, so every record qualifies.
      indices = prepared.keys();
    }
    const matches: DuplicateMatch<T>[] = [];
    for (const i of indices) {
      const other = prepared[i] as PreparedRecord<T>;
      if (other.record.id === candidate.id) continue;
      const comparison = scorePrepared(target, other, threshold);
      if (comparison) matches.push({ record: other.record, ...comparison });
    }
    return matches.sort(byScoreThenId).slice(0, Math.max(0, limit));
  };
}

/**
 * The existing records most likely to be the same as a candidate being created or imported,
 * best first (ties by id), at most `limit` of them, each scoring at least `threshold`. Never
 * the candidate itself (a record with the candidate's id).
 */
export function findLikelyDuplicates<T extends DirectoryRecord>(
  candidate: DirectoryRecord,
  existing: readonly T[],
  options: FindOptions = {},
): DuplicateMatch<T>[] {
  return createDuplicateFinder(existing)(candidate, options);
}

export type DuplicatePair = {
  /** The smaller id of the two. */
  readonly a: string;
  readonly b: string;
  readonly score: number;
  readonly reasons: readonly DuplicateReason[];
};

export type DuplicateCluster<T extends DirectoryRecord> = {
  /** Two or more records, by id. */
  readonly records: readonly T[];
  /** The pairs at or above the threshold that joined them, best first. */
  readonly pairs: readonly DuplicatePair[];
};

export type ClusterOptions = {
  /** Lowest pair score that joins two records (inclusive); default DATA_QUALITY_THRESHOLD. */
  readonly threshold?: number;
};

/**
 * Groups of likely duplicates for the data-quality page: records joined by any chain of pairs
 * scoring at least the threshold (connected components). Records with no likely duplicate are
 * left out. Clusters are ordered by their first id, records in a cluster by id, so the result
 * does not depend on the input order. Ids must be unique.
 */
export function clusterDuplicates<T extends DirectoryRecord>(
  records: readonly T[],
  options: ClusterOptions = {},
): DuplicateCluster<T>[] {
  const threshold = options.threshold ?? DATA_QUALITY_THRESHOLD;
  const prepared = withSharedVocabularies(
    [...records].sort((x, y) => compareIds(x.id, y.id)).map(prepareRecord),
  );
  for (let i = 1; i < prepared.length; i++) {
    if (prepared[i]?.record.id === prepared[i - 1]?.record.id) {
      throw new RangeError(`clusterDuplicates: duplicate id ${prepared[i]?.record.id}`);
    }
  }

  const tokenCounts = new Map<string, number>();
  for (const record of prepared) {
    for (const token of record.name.distinct) tokenCounts.set(token, (tokenCounts.get(token) ?? 0) + 1);
  }
  const common = new Set(
    [...tokenCounts].filter(([, holders]) => holders > MAX_BLOCK).map(([token]) => token),
  );

  // Each record's blocks (as numbers) and each block's records, leaving out oversized blocks.
  const blockIds = new Map<string, number>();
  const holders: number[][] = [];
  const blocksOf = prepared.map((record, i) => {
    const mine: number[] = [];
    for (const key of clusterKeys(record, common)) {
      let id = blockIds.get(key);
      if (id === undefined) {
        id = holders.length;
        blockIds.set(key, id);
        holders.push([]);
      }
      (holders[id] as number[]).push(i);
      mine.push(id);
    }
    return mine;
  });

  const count = prepared.length;
  const parent = prepared.map((_, i) => i);
  const root = (i: number): number => {
    let r = i;
    while (parent[r] !== r) r = parent[r] as number;
    for (let j = i; parent[j] !== r; ) {
      const next = parent[j] as number;
      parent[j] = r;
      j = next;
    }
    return r;
  };
  const pairs: (DuplicatePair & { i: number })[] = [];
  // lastSeenBy[j] === i once record i has been compared with j, so each pair is scored once.
  const lastSeenBy = new Int32Array(count).fill(-1);
  for (let i = 0; i < count; i++) {
    const first = prepared[i] as PreparedRecord<T>;
    for (const block of blocksOf[i] as number[]) {
      const members = holders[block] as number[];
      if (members.length > MAX_BLOCK) continue;
      // Members are in index order, so those after i are at the end.
      for (let m = members.length - 1; m >= 0 && (members[m] as number) > i; m--) {
        const j = members[m] as number;
        if (lastSeenBy[j] === i) continue;
        lastSeenBy[j] = i;
        const second = prepared[j] as PreparedRecord<T>;
        const comparison = scorePrepared(first, second, threshold);
        if (comparison === null) continue;
        pairs.push({ i, a: first.record.id, b: second.record.id, ...comparison });
        const [ri, rj] = [root(i), root(j)];
        if (ri !== rj) parent[Math.max(ri, rj)] = Math.min(ri, rj);
      }
    }
  }

  const clusters = new Map<number, { members: number[]; pairs: DuplicatePair[] }>();
  for (const { i, ...pair } of pairs) {
    const r = root(i);
    const cluster = clusters.get(r) ?? { members: [], pairs: [] };
    cluster.pairs.push(pair);
    clusters.set(r, cluster);
  }
  for (let i = 0; i < count; i++) clusters.get(root(i))?.members.push(i);

  return [...clusters.entries()]
    .sort(([x], [y]) => x - y)
    .map(([, cluster]) => ({
      records: cluster.members.map((i) => (prepared[i] as PreparedRecord<T>).record),
      pairs: cluster.pairs.sort((x, y) => y.score - x.score || compareIds(x.a, y.a) || compareIds(x.b, y.b)),
    }));
}
