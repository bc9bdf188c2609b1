import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compareRecords, type DirectoryRecord } from './compare-records.js';
import {
  clusterDuplicates,
  createDuplicateFinder,
  DATA_QUALITY_THRESHOLD,
  findLikelyDuplicates,
  MAX_BLOCK,
  WARN_ON_CREATE_THRESHOLD,
} from './find-duplicates.js';
import { arbitraryRecord, arbitraryRecords } from './test-records.js';

const group = (id: string, name: string, fields: Partial<DirectoryRecord> = {}): DirectoryRecord => ({
  id,
  kind: 'group',
  name,
  ...fields,
});

const directory: DirectoryRecord[] = [
  group('g1', 'Sale Harriers Manchester', { postcode: 'M33 7WR', phone: '0161 980 6090' }),
  group('g2', 'Sale Sharks', { postcode: 'M33 7WR' }),
  group('g3', 'Sale Hariers Manchester', { postcode: 'M33 7WR' }),
  group('g4', 'Trafford Foodbank', { website: 'traffordfoodbank.org.uk' }),
  group('g5', 'Trafford Food Bank', { website: 'https://www.traffordfoodbank.org.uk/' }),
  group('g6', 'Sale Harriers', { phone: '+44 161 980 6090' }),
  group('g7', '1st Sale Scouts', { postcode: 'M33 3AB' }),
  group('g8', '2nd Sale Scouts', { postcode: 'M33 3AB' }),
];

test('creating a record finds the existing ones it may duplicate, best first', () => {
  const matches = findLikelyDuplicates(
    { id: 'new', kind: 'group', name: 'Sale Harriers Manchester', phone: '01619806090' },
    directory,
  );
  assert.deepEqual(
    matches.map((match) => match.record.id),
    ['g1', 'g3', 'g6'],
  );
  assert.ok(matches.every((match) => match.score >= WARN_ON_CREATE_THRESHOLD));
  assert.deepEqual(
    matches[0]?.reasons.map((reason) => reason.code),
    ['same-name', 'same-phone'],
  );
});

test('editing a record never offers the record itself as its duplicate', () => {
  const matches = findLikelyDuplicates(directory[0] as DirectoryRecord, directory);
  assert.ok(!matches.some((match) => match.record.id === 'g1'));
  assert.deepEqual(
    matches.map((match) => match.record.id),
    ['g3', 'g6'],
  );
});

test('threshold and limit bound the matches', () => {
  const candidate = group('new', 'Sale Harriers Manchester', { phone: '01619806090' });
  assert.equal(findLikelyDuplicates(candidate, directory, { limit: 1 }).length, 1);
  assert.equal(findLikelyDuplicates(candidate, directory, { limit: 0 }).length, 0);
  assert.deepEqual(
    findLikelyDuplicates(candidate, directory, { threshold: 0.99 }).map((match) => match.record.id),
    ['g1'],
  );
  assert.equal(
    findLikelyDuplicates(candidate, directory, { threshold: 0, limit: 100 }).length,
    directory.length,
  );
});

test('the data-quality page gets clusters of duplicates, not unrelated neighbours', () => {
  const clusters = clusterDuplicates(directory);
  assert.deepEqual(
    clusters.map((cluster) => cluster.records.map((record) => record.id)),
    [
      ['g1', 'g3', 'g6'],
      ['g4', 'g5'],
    ],
  );
  const foodbank = clusters[1];
  assert.deepEqual(
    foodbank?.pairs.map(({ a, b, reasons }) => ({ a, b, codes: reasons.map((reason) => reason.code) })),
    [{ a: 'g4', b: 'g5', codes: ['same-name', 'same-website'] }],
  );
});

test('clustering refuses two records with the same id, and a threshold of 0', () => {
  assert.throws(() => clusterDuplicates([group('x', 'A'), group('x', 'B')]), RangeError);
  assert.throws(() => clusterDuplicates(directory, { threshold: 0 }), RangeError);
});

test('records sharing only very common words are still clustered when their names agree', () => {
  // MAX_BLOCK + 1 clubs share "Sale" and "Club", too many to compare each with each; the two
  // with the same name are still found.
  const clubs = Array.from({ length: MAX_BLOCK + 1 }, (_, i) =>
    group(`c${String(i).padStart(3, '0')}`, `Sale ${['Alpha', 'Bravo', 'Charlie', 'Delta'][i % 4]}${i} Club`),
  );
  clubs.push(group('dup', 'Sale Alpha0 Club'));
  const clusters = clusterDuplicates(clubs);
  assert.deepEqual(
    clusters.map((cluster) => cluster.records.map((record) => record.id)),
    [['c000', 'dup']],
  );
});

test('a typo in a very common word is still clustered', () => {
  // "Sale" and "Badminton" are each in more than MAX_BLOCK names; "Sale Badminton" is not.
  const records = [
    ...Array.from({ length: MAX_BLOCK + 1 }, (_, i) =>
      group(`s${String(i).padStart(3, '0')}`, `Sale Team${i}`),
    ),
    ...Array.from({ length: MAX_BLOCK + 1 }, (_, i) =>
      group(`b${String(i).padStart(3, '0')}`, `Badminton Team${i}`),
    ),
    group('x1', 'Sale Badminton'),
    group('x2', 'Sale Badmnton'),
  ];
  assert.deepEqual(
    clusterDuplicates(records).map((cluster) => cluster.records.map((record) => record.id)),
    [['x1', 'x2']],
  );
});

function bruteForceMatches(
  candidate: DirectoryRecord,
  existing: readonly DirectoryRecord[],
  threshold: number,
) {
  return existing
    .filter((record) => record.id !== candidate.id)
    .map((record) => ({ id: record.id, score: compareRecords(candidate, record).score }))
    .filter(({ score }) => score >= threshold)
    .sort((x, y) => y.score - x.score || (x.id < y.id ? -1 : 1));
}

test('findLikelyDuplicates returns exactly what comparing with every record would, sorted, never the candidate', () => {
  fc.assert(
    fc.property(
      arbitraryRecords(25),
      arbitraryRecord(fc.constantFrom('r00001', 'new')),
      fc.double({ min: 0.01, max: 1, noNaN: true }),
      (existing, candidate, threshold) => {
        const found = findLikelyDuplicates(candidate, existing, { threshold, limit: 1000 });
        assert.ok(found.every((match) => match.record.id !== candidate.id));
        for (let i = 1; i < found.length; i++) {
          assert.ok((found[i - 1]?.score ?? 0) >= (found[i]?.score ?? 0));
        }
        assert.deepEqual(
          found.map((match) => ({ id: match.record.id, score: match.score })),
          bruteForceMatches(candidate, existing, threshold),
        );
      },
    ),
    { numRuns: 300 },
  );
});

test('a finder built once answers like findLikelyDuplicates for each candidate', () => {
  fc.assert(
    fc.property(arbitraryRecords(20), arbitraryRecords(5), (existing, candidates) => {
      const find = createDuplicateFinder(existing);
      for (const candidate of candidates) {
        assert.deepEqual(find(candidate), findLikelyDuplicates(candidate, existing));
      }
    }),
    { numRuns: 100 },
  );
});

/** Connected components of the pairs scoring at least the threshold, by comparing every pair. */
function bruteForceClusters(records: readonly DirectoryRecord[], threshold: number): string[][] {
  const ids = records.map((record) => record.id).sort();
  const byId = new Map(records.map((record) => [record.id, record]));
  const component = new Map(ids.map((id) => [id, id]));
  const find = (id: string): string => {
    const up = component.get(id) as string;
    return up === id ? id : find(up);
  };
  for (let i = 0; i < ids.length; i++) {
    for (let j = i + 1; j < ids.length; j++) {
      const [a, b] = [ids[i] as string, ids[j] as string];
      if (compareRecords(byId.get(a) as DirectoryRecord, byId.get(b) as DirectoryRecord).score < threshold)
        continue;
      const [ra, rb] = [find(a), find(b)];
      if (ra === rb) continue;
      // The smaller id becomes the root (ids are strings, so no Math.min).
      const [low, high] = ra < rb ? [ra, rb] : [rb, ra];
      component.set(high, low);
    }
  }
  const groups = new Map<string, string[]>();
  for (const id of ids) groups.set(find(id), [...(groups.get(find(id)) ?? []), id]);
  return [...groups.values()].filter((members) => members.length > 1);
}

test('clusterDuplicates partitions the matched records, whatever the input order', () => {
  fc.assert(
    fc.property(
      arbitraryRecords(30).chain((records) =>
        fc.tuple(fc.constant(records), fc.shuffledSubarray(records, { minLength: records.length })),
      ),
      fc.constantFrom(WARN_ON_CREATE_THRESHOLD, DATA_QUALITY_THRESHOLD, 0.5),
      ([records, shuffled], threshold) => {
        const clusters = clusterDuplicates(records, { threshold });
        const ids = clusters.map((cluster) => cluster.records.map((record) => record.id));
        // Below MAX_BLOCK records nothing is skipped, so this is the exact answer.
        assert.deepEqual(ids, bruteForceClusters(records, threshold));
        assert.deepEqual(clusterDuplicates(shuffled, { threshold }), clusters);
        const seen = ids.flat();
        assert.equal(new Set(seen).size, seen.length, 'no record in two clusters');
        for (const cluster of clusters) {
          assert.ok(cluster.records.length >= 2);
          const members = new Set(cluster.records.map((record) => record.id));
          for (const pair of cluster.pairs) {
            assert.ok(members.has(pair.a) && members.has(pair.b) && pair.a < pair.b);
            assert.ok(pair.score >= threshold);
          }
          assert.ok(cluster.pairs.length >= cluster.records.length - 1, 'pairs connect the cluster');
        }
      },
    ),
    { numRuns: 200 },
  );
});
