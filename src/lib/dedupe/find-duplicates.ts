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
  comparePrepared,
  type DirectoryRecord,
  type DuplicateReason,
  type PreparedRecord,
  prepareRecord,
} from './compare-records.js';

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

function nameKeys(prepared: PreparedRecord): Set<string> {
  const tokens = prepared.nameTokens;
  const keys = new Set<string>();
  tokens.forEach((token, i) => {
    keys.add(`n:${token}`);
    const next = tokens[i + 1];
    if (next !== undefined) keys.add(`n:${token}${next}`);
    if (token.length >= 5 && !/\d/.test(token)) {
      keys.add(`d:${token}`);
      for (let at = 0; at < token.length; at++) keys.add(`d:${token.slice(0, at)}${token.slice(at + 1)}`);
    }
  });
  return keys;
}

function clusterKeys(prepared: PreparedRecord): Set<string> {
  const keys = nameKeys(prepared);
  const tokens = prepared.nameTokens;
  if (tokens.length > 0) keys.add(`N:${[...tokens].sort().join(' ')}`);
  const distinct = [...new Set(tokens)].sort().slice(0, 8);
  for (let i = 0; i < distinct.length; i++) {
    for (let j = i + 1; j < distinct.length; j++) keys.add(`P:${distinct[i]} ${distinct[j]}`);
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
      const { score, reasons } = comparePrepared(target, other);
      if (score >= threshold) matches.push({ record: other.record, score, reasons });
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
  const prepared = [...records].sort((x, y) => compareIds(x.id, y.id)).map(prepareRecord);
  for (let i = 1; i < prepared.length; i++) {
    if (prepared[i]?.record.id === prepared[i - 1]?.record.id) {
      throw new RangeError(`clusterDuplicates: duplicate id ${prepared[i]?.record.id}`);
    }
  }

  const blocks = new Map<string, number[]>();
  prepared.forEach((record, i) => {
    for (const key of clusterKeys(record)) {
      const holders = blocks.get(key);
      if (holders) holders.push(i);
      else blocks.set(key, [i]);
    }
  });

  const count = prepared.length;
  const compared = new Set<number>();
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
  for (const holders of blocks.values()) {
    if (holders.length < 2 || holders.length > MAX_BLOCK) continue;
    for (let x = 0; x < holders.length; x++) {
      for (let y = x + 1; y < holders.length; y++) {
        const i = holders[x] as number;
        const j = holders[y] as number;
        const pairKey = i * count + j;
        if (compared.has(pairKey)) continue;
        compared.add(pairKey);
        const first = prepared[i] as PreparedRecord<T>;
        const second = prepared[j] as PreparedRecord<T>;
        const { score, reasons } = comparePrepared(first, second);
        if (score < threshold) continue;
        pairs.push({ i, a: first.record.id, b: second.record.id, score, reasons });
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
