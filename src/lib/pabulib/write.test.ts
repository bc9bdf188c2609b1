import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { type PbFile, type PbVote, REQUIRED_META_KEYS, VOTE_TYPES } from './index.js';
import { parsePabulib, parsePabulibText } from './parse.js';
import { pabulibToString, quoteField, writePabulib } from './write.js';

const EXAMPLES = new URL('../../../schemas/pabulib/examples/', import.meta.url);
const EXAMPLE_NAMES = [
  'Poland_Gdynia_2020_Kamienna_Gora__large.pb',
  'Poland_Czestochowa_2020_Grabowka.pb',
  'Netherlands_Amsterdam_643.pb',
];

/** Line numbers change when a file is rewritten (CRLF to LF is fine, blank lines go), so compare without them. */
function withoutLines(file: PbFile): PbFile {
  return {
    ...file,
    projects: file.projects.map((p) => ({ ...p, line: 0 })),
    votes: file.votes.map((v) => ({ ...v, line: 0 })),
  };
}

test('each example file reads back the same after writing it out', () => {
  for (const name of EXAMPLE_NAMES) {
    const first = parsePabulibText(fs.readFileSync(new URL(name, EXAMPLES), 'utf8'));
    const written = pabulibToString(first.file);
    assert.ok(!written.includes('\r'), 'written with LF endings');
    const again = parsePabulibText(written);
    assert.deepEqual(withoutLines(again.file), withoutLines(first.file), name);
    assert.deepEqual(again.warnings, first.warnings, name);
  }
});

test('the Częstochowa name with stray quotes is quoted on writing and reads back unchanged', () => {
  const { file } = parsePabulibText(
    fs.readFileSync(new URL('Poland_Czestochowa_2020_Grabowka.pb', EXAMPLES), 'utf8'),
  );
  const line = pabulibToString(file)
    .split('\n')
    .find((l) => l.startsWith('47;'));
  assert.ok(line?.startsWith('47;12000;30;188;"""Odkupmy"" i my - zakup'), line);
});

test('only values that need it are quoted', () => {
  assert.equal(quoteField('Plac street workout'), 'Plac street workout');
  assert.equal(quoteField('education,sport'), 'education,sport');
  assert.equal(quoteField(''), '');
  assert.equal(quoteField('a;b'), '"a;b"');
  assert.equal(quoteField('say "hi"'), '"say ""hi"""');
  assert.equal(quoteField(' padded'), '" padded"');
  assert.equal(quoteField('two\nlines'), '"two\nlines"');
});

test('the writer yields one line at a time, with vote and points in their header positions', () => {
  const file: PbFile = {
    meta: [
      ['description', 'Test; with a semicolon'],
      ['vote_type', 'cumulative'],
    ],
    projectColumns: ['project_id', 'name', 'cost'],
    projects: [{ id: 'p1', cost: '10', fields: { name: 'One', cost: '10' }, line: 0 }],
    voteColumns: ['voter_id', 'age', 'points', 'vote'],
    votes: [{ voterId: 'v1', vote: ['p1', 'p2'], points: [3, 1.5], fields: { age: '30' }, line: 0 }],
  };
  assert.deepEqual(
    [...writePabulib(file)],
    [
      'META\n',
      'key;value\n',
      'description;"Test; with a semicolon"\n',
      'vote_type;cumulative\n',
      'PROJECTS\n',
      'project_id;name;cost\n',
      'p1;One;10\n',
      'VOTES\n',
      'voter_id;age;points;vote\n',
      'v1;30;3,1.5;p1,p2\n',
    ],
  );
});

test('a project id holding a comma cannot be written into a ballot', () => {
  const file: PbFile = {
    meta: [],
    projectColumns: ['project_id', 'cost'],
    projects: [],
    voteColumns: ['voter_id', 'vote'],
    votes: [{ voterId: 'v1', vote: ['a,b'], fields: {}, line: 0 }],
  };
  assert.throws(() => pabulibToString(file), /Voter v1 names project "a,b", whose id holds a comma/);
});

// Ids as real files have them: no `;`, `"`, `,` or surrounding spaces (a ballot is a comma list).
const id = fc.stringMatching(/^[A-Za-z0-9_.-]{1,6}$/);
// Free text with the characters that need care: `;`, `"`, commas, spaces, tabs and non-ASCII.
// Line breaks are left out: a row is one line, so the parser cannot read them back.
const text = fc
  .oneof(
    fc.string({ unit: 'grapheme', maxLength: 12 }),
    fc.string({
      unit: fc.constantFrom(';', '"', ' ', ',', '\t', 'a', 'ż', 'é', '€', '😀', 'none'),
      maxLength: 8,
    }),
  )
  .map((s) => s.replace(/[\r\n]/g, ''));
const amount = fc.oneof(
  fc.nat().map(String),
  fc.tuple(fc.nat(), fc.nat({ max: 99 })).map(([whole, part]) => `${whole}.${String(part).padStart(2, '0')}`),
);
const points = fc
  .oneof(fc.integer({ min: -100, max: 100 }), fc.double({ noNaN: true, noDefaultInfinity: true }))
  .map((n) => n + 0);
const columnName = fc.constantFrom(
  'name',
  'votes',
  'score',
  'selected',
  'category',
  'target',
  'latitude',
  'odd;name',
  'quoted "name"',
  'Dzielnica',
);
const voterColumnName = fc.constantFrom(
  'age',
  'sex',
  'voting_method',
  'neighborhood',
  'education',
  'wiek; płeć',
);
const fixed = <T>(arb: fc.Arbitrary<T>, n: number) => fc.array(arb, { minLength: n, maxLength: n });

const pbFile: fc.Arbitrary<PbFile> = fc
  .record({
    voteType: fc.constantFrom(...VOTE_TYPES),
    requiredValues: fixed(text, REQUIRED_META_KEYS.length),
    budget: amount,
    metaExtras: fc.uniqueArray(fc.tuple(text, text), {
      selector: ([key]) => key,
      maxLength: 4,
    }),
    projectIds: fc.uniqueArray(id, { minLength: 1, maxLength: 6 }),
    voterIds: fc.uniqueArray(id, { maxLength: 8 }),
    projectExtras: fc.uniqueArray(columnName, { maxLength: 4 }),
    voteExtras: fc.uniqueArray(voterColumnName, { maxLength: 3 }),
    optionalPoints: fc.boolean(),
  })
  .chain((shape) => {
    const withPoints =
      shape.voteType === 'cumulative' || shape.voteType === 'scoring' || shape.optionalPoints;
    const projectColumns = fc
      .shuffledSubarray(['cost', ...shape.projectExtras], { minLength: shape.projectExtras.length + 1 })
      .map((rest) => ['project_id', ...rest]);
    const voteColumns = fc
      .shuffledSubarray([...(withPoints ? ['vote', 'points'] : ['vote']), ...shape.voteExtras], {
        minLength: shape.voteExtras.length + (withPoints ? 2 : 1),
      })
      .map((rest) => ['voter_id', ...rest]);
    const projects = fixed(
      fc.tuple(amount, fixed(text, shape.projectExtras.length)),
      shape.projectIds.length,
    ).map((rows) =>
      rows.map(([cost, values], i) => {
        const fields: Record<string, string> = { cost };
        shape.projectExtras.forEach((column, c) => {
          fields[column] = values[c] as string;
        });
        return { id: shape.projectIds[i] as string, cost, fields, line: 0 };
      }),
    );
    const ballot = fc
      .tuple(
        fc.shuffledSubarray(shape.projectIds),
        fixed(points, shape.projectIds.length),
        fixed(text, shape.voteExtras.length),
      )
      .map(([vote, allPoints, values]) => {
        const fields: Record<string, string> = {};
        shape.voteExtras.forEach((column, c) => {
          fields[column] = values[c] as string;
        });
        return { vote, points: withPoints ? allPoints.slice(0, vote.length) : undefined, fields };
      });
    const votes = fixed(ballot, shape.voterIds.length).map((rows) =>
      rows.map(({ vote, points, fields }, i): PbVote => {
        const row: PbVote = { voterId: shape.voterIds[i] as string, vote, fields, line: 0 };
        if (points) row.points = points;
        return row;
      }),
    );
    const required: Array<[string, string]> = REQUIRED_META_KEYS.map((key, i) => [
      key,
      key === 'budget'
        ? shape.budget
        : key === 'vote_type'
          ? shape.voteType
          : (shape.requiredValues[i] as string),
    ]);
    const extras = shape.metaExtras.filter(
      ([key]) => key !== '' && !(REQUIRED_META_KEYS as readonly string[]).includes(key),
    );
    return fc
      .record({
        meta: fc.constant<Array<[string, string]>>([...required, ...extras]),
        projectColumns,
        projects,
        voteColumns,
        votes,
      })
      .map((record) => ({ ...record })); // fc.record gives a null-prototype object; a parsed file has a plain one
  });

test('any file written and read back gives the same data', () => {
  fc.assert(
    fc.property(pbFile, (file) => {
      const read = parsePabulibText(pabulibToString(file));
      assert.deepEqual(withoutLines(read.file), file);
    }),
    { numRuns: 300 },
  );
});

test('any file written as UTF-8 bytes in odd-sized chunks reads back the same', async () => {
  await fc.assert(
    fc.asyncProperty(pbFile, fc.integer({ min: 1, max: 64 }), async (file, size) => {
      const bytes = new TextEncoder().encode(pabulibToString(file));
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      const read = await parsePabulib(chunks);
      assert.deepEqual(withoutLines(read.file), file);
    }),
    { numRuns: 100 },
  );
});
