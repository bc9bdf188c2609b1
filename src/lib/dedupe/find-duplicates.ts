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
 * Clustering a whole directory cannot afford blocks on very common words ("club", "sale"): a
 * key held by 5,000 records would mean 12 million comparisons. So clusterDuplicates makes no
 * keys for name words held by more than MAX_BLOCK records, skips any other key held by more, and
 * adds keys that stay selective:
 *   P:<word> <word>   each pair of common, non-generic words in the name ("sale badminton"),
 *                     a typo of a common word counting as the word;
 *   N:<tokens>        the whole normalised name;
 *   p:, e:, w:, h:, c: phone, email, web page, website host, postcode.
 * A pair is then only missed when the names share just one common word (plus generic words such
 * as "club") and no selective detail. bench/dedupe.ts plants respelt duplicates in 20,000
 * synthetic records made almost entirely of common words, and finds all of them.
 */

import {
  type DirectoryRecord,
  type DuplicateReason,
  type PreparedRecord,
  prepareRecord,
  scorePrepared,
  withSharedVocabularies,
} from './compare-records.js';
import { GENERIC_NAME_WORDS, nameTokens } from './names.js';
import { withinOneEdit } from './token-similarity.js';

/** Recommended threshold for warning someone creating or importing a record. */
export const WARN_ON_CREATE_THRESHOLD = 0.7;
/** Recommended threshold for listing records on the officers' data-quality page. */
export const DATA_QUALITY_THRESHOLD = 0.85;

/** Clustering skips blocking keys held by more records than this. */
export const MAX_BLOCK = 50;

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

function deletions(token: string): string[] {
  const variants: string[] = [];
  for (let at = 0; at < token.length; at++) variants.push(token.slice(0, at) + token.slice(at + 1));
  return variants;
}

/** Words that can have typos: five letters or more, no digits (as in token-similarity.ts). */
function typoable(token: string): boolean {
  return token.length >= 5 && !/\d/.test(token);
}

/** Keys for a word and, for words that can have typos, the word with each letter deleted. */
function addWordKeys(keys: Set<string>, token: string): void {
  keys.add(`n:${token}`);
  if (typoable(token)) {
    keys.add(`d:${token}`);
    for (const variant of deletions(token)) keys.add(`d:${variant}`);
  }
}

function nameKeys(prepared: PreparedRecord): Set<string> {
  const keys = new Set<string>();
  for (const token of prepared.name.tokens) addWordKeys(keys, token);
  for (const pair of prepared.name.joinedPairs) keys.add(`n:${pair}`);
  return keys;
}

/** Name tokens held by too many records to block on, and a way to spot typos of them. */
type CommonWords = {
  readonly words: ReadonlySet<string>;
  /** From each common word and each of its one-letter deletions to the common words. */
  readonly byVariant: ReadonlyMap<string, readonly string[]>;
};

function commonWordsOf(prepared: readonly PreparedRecord[]): CommonWords {
  const counts = new Map<string, number>();
  for (const record of prepared) {
    const { tokens } = record.name;
    tokens.forEach((token, i) => {
      if (tokens.indexOf(token) === i) counts.set(token, (counts.get(token) ?? 0) + 1);
    });
  }
  const words = new Set([...counts].filter(([, holders]) => holders > MAX_BLOCK).map(([token]) => token));
  const byVariant = new Map<string, string[]>();
  for (const word of words) {
    if (!typoable(word)) continue;
    for (const variant of [word, ...deletions(word)])
      byVariant.set(variant, [...(byVariant.get(variant) ?? []), word]);
  }
  return { words, byVariant };
}

/** The common word a rare word is a typo of ("badmnton" → "badminton"), if any. */
function commonWordMistyped(token: string, common: CommonWords): string | undefined {
  if (!typoable(token)) return undefined;
  let found: string | undefined;
  for (const variant of [token, ...deletions(token)]) {
    for (const word of common.byVariant.get(variant) ?? []) {
      if (word !== token && withinOneEdit(token, word) && (found === undefined || word < found)) found = word;
    }
  }
  return found;
}

/**
 * Keys for clustering. Common name tokens get no keys of their own (nor their typos): their
 * blocks would be skipped anyway. Two common words together are usually selective ("sale" and
 * "badminton" are each common, "sale badminton" is not), so each pair of them gets a key; a
 * typo of a common word ("Sale Badmnton Club") counts as that word there. Generic words
 * ("club", "group") are left out of pairs: sharing one is weak evidence.
 */
function clusterKeys(prepared: PreparedRecord, common: CommonWords): Set<string> {
  const keys = new Set<string>();
  const { tokens, joinedPairs } = prepared.name;
  const frequent: string[] = [];
  for (const token of tokens) {
    let word: string | undefined = token;
    if (!common.words.has(token)) {
      addWordKeys(keys, token);
      word = commonWordMistyped(token, common);
    }
    if (word !== undefined && !GENERIC_NAME_WORDS.has(word) && !frequent.includes(word)) frequent.push(word);
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
  if ((options.threshold ?? WARN_ON_CREATE_THRESHOLD) <= 0)
    return createDuplicateFinder(existing)(candidate, options);
  // For one candidate, indexing every record costs more than it saves: keep only the records
  // with a name word in common with the candidate (equal, one edit apart, or written together),
  // the only ones that can score above 0, and index those.
  const own = nameTokens(candidate.name ?? '');
  const ownWords = new Set(own);
  const ownJoined = new Set(own.slice(1).map((token, i) => `${own[i]}${token}`));
  const ownTypoable = own.filter(typoable);
  const mayMatch = (record: T): boolean => {
    const tokens = nameTokens(record.name ?? '');
    return tokens.some(
      (token, i) =>
        ownWords.has(token) ||
        ownJoined.has(token) ||
        (i > 0 && ownWords.has(`${tokens[i - 1]}${token}`)) ||
        (typoable(token) && ownTypoable.some((word) => withinOneEdit(token, word))),
    );
  };
  return createDuplicateFinder(existing.filter(mayMatch))(candidate, options);
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
  /**
   * Lowest pair score that joins two records (inclusive), above 0; default
   * DATA_QUALITY_THRESHOLD.
   */
  readonly threshold?: number;
};

/**
 * Groups of likely duplicates for the data-quality page: records joined by any chain of pairs
 * scoring at least the threshold (connected components). Records with no likely duplicate are
 * left out. Clusters are ordered by their first id, records in a cluster by id, so the result
 * does not depend on the input order. Ids must be unique. Very common words are not blocked on
 * (see the module comment), so a rare pair can be missed; 20,000 records take about a second.
 */
export function clusterDuplicates<T extends DirectoryRecord>(
  records: readonly T[],
  options: ClusterOptions = {},
): DuplicateCluster<T>[] {
  const threshold = options.threshold ?? DATA_QUALITY_THRESHOLD;
  // At 0 every pair would join, including pairs that share no key and are never compared.
  if (!(threshold > 0))
    throw new RangeError(`clusterDuplicates: threshold must be above 0, not ${threshold}`);
  const prepared = withSharedVocabularies(
    [...records].sort((x, y) => compareIds(x.id, y.id)).map(prepareRecord),
  );
  for (let i = 1; i < prepared.length; i++) {
    if (prepared[i]?.record.id === prepared[i - 1]?.record.id) {
      throw new RangeError(`clusterDuplicates: duplicate id ${prepared[i]?.record.id}`);
    }
  }

  const common = commonWordsOf(prepared);

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
