import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { PabulibError, type PabulibParseResult, parsePabulib, parsePabulibText } from './parse.js';

const EXAMPLES = new URL('../../../schemas/pabulib/examples/', import.meta.url);
const GDYNIA = 'Poland_Gdynia_2020_Kamienna_Gora__large.pb';
const CZESTOCHOWA = 'Poland_Czestochowa_2020_Grabowka.pb';
const AMSTERDAM = 'Netherlands_Amsterdam_643.pb';
const exampleBytes = (name: string) => fs.readFileSync(new URL(name, EXAMPLES));
const exampleText = (name: string) => exampleBytes(name).toString('utf8');
const meta = (result: PabulibParseResult, key: string) => result.file.meta.find(([k]) => k === key)?.[1];

test('the Gdynia file (approval, CRLF) has 3 projects, 477 voters and a budget of 190170', () => {
  const text = exampleText(GDYNIA);
  assert.ok(text.includes('\r\n'), 'the example keeps its CRLF line endings');
  const result = parsePabulibText(text);
  const { file } = result;
  assert.equal(file.projects.length, 3);
  assert.equal(file.votes.length, 477);
  assert.equal(meta(result, 'budget'), '190170');
  assert.equal(meta(result, 'vote_type'), 'approval');
  assert.equal(meta(result, 'description'), 'Local PB in Gdynia, Kamienna Góra | large');
  assert.deepEqual(file.projectColumns, ['project_id', 'cost', 'votes', 'name', 'selected']);
  assert.deepEqual(file.voteColumns, ['voter_id', 'vote', 'age', 'sex']);
  const first = file.projects[0];
  assert.equal(first?.id, '2');
  assert.equal(first?.cost, '105755');
  assert.equal(first?.fields.selected, '1');
  assert.equal(first?.line, 25);
  assert.ok(first?.fields.name?.startsWith('Remont schodów'));
  assert.deepEqual(file.votes[1], {
    voterId: '81',
    vote: ['2', '3'],
    fields: { age: '33', sex: 'F' },
    line: 31,
  });
  assert.equal(file.votes[0]?.points, undefined);
  assert.deepEqual(result.warnings, []);
});

test('the Częstochowa file keeps the stray quotes in project 47’s name and aligns points with votes', () => {
  const result = parsePabulibText(exampleText(CZESTOCHOWA));
  const { file } = result;
  assert.equal(file.projects.length, 8);
  assert.equal(file.votes.length, 201);
  const p47 = file.projects.find((p) => p.id === '47');
  assert.ok(p47?.fields.name?.startsWith('"Odkupmy" i my - zakup'), p47?.fields.name);
  assert.equal(p47?.fields.score, '188');
  const voter108 = file.votes.find((v) => v.voterId === '108');
  assert.deepEqual(voter108?.vote, ['448', '463', '196', '443']);
  assert.deepEqual(voter108?.points, [3, 3, 2, 2]);
  assert.deepEqual(voter108?.fields, {});
  for (const vote of file.votes) assert.equal(vote.points?.length, vote.vote.length);
  // The file's own totals agree with its ballots.
  const score47 = file.votes.reduce((sum, v) => {
    const at = v.vote.indexOf('47');
    return at === -1 ? sum : sum + (v.points?.[at] ?? 0);
  }, 0);
  assert.equal(score47, 188);
  assert.deepEqual(result.warnings, []);
});

test('the Amsterdam file (choose-1) has a category column and the leftover_budget key', () => {
  const result = parsePabulibText(exampleText(AMSTERDAM));
  assert.equal(result.file.projects.length, 3);
  assert.equal(result.file.votes.length, 66);
  assert.equal(result.file.projects[0]?.fields.category, 'Groen');
  assert.equal(
    meta(result, 'leftover_budget'),
    'Fund additional projects that fit within leftover budget ordered by score',
  );
  assert.equal(result.file.meta.at(-1)?.[0], 'leftover_budget', 'META keeps file order');
  assert.deepEqual(result.warnings, []);
});

/** Feeds bytes in chunks of a given size, as a file stream would. */
async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

test('reading in chunks of 1, 7 and 4096 bytes gives the same result as reading the whole text', async () => {
  for (const name of [GDYNIA, CZESTOCHOWA, AMSTERDAM]) {
    const whole = parsePabulibText(exampleText(name));
    for (const size of [1, 7, 4096]) {
      assert.deepEqual(await parsePabulib(chunksOf(exampleBytes(name), size)), whole, `${name} in ${size}s`);
    }
  }
});

test('a multi-byte character and a CRLF split across chunks are read correctly', async () => {
  const text = minimal({ projectRows: ['1;10;Kamienna Góra'], voteRows: ['a;1', 'b;1'] }).replaceAll(
    '\n',
    '\r\n',
  );
  const bytes = new TextEncoder().encode(text);
  const o = bytes.indexOf(0xc3); // the first byte of "ó"
  const cr = bytes.indexOf(13);
  const pieces = [bytes.subarray(0, cr + 1), bytes.subarray(cr + 1, o + 1), bytes.subarray(o + 1)];
  const result = await parsePabulib(pieces);
  assert.equal(result.file.projects[0]?.fields.name, 'Kamienna Góra');
  assert.equal(result.file.meta[0]?.[0], 'description', 'no stray \\r is left on values');
  assert.deepEqual(result, parsePabulibText(text));
});

test('string chunks, a byte-order mark and invalid UTF-8 are handled', async () => {
  const text = `\uFEFF${minimal()}`;
  const pieces = text.match(/[\s\S]{1,5}/g) ?? [];
  const fromStrings = await parsePabulib(pieces);
  assert.equal(fromStrings.file.meta[0]?.[0], 'description');
  assert.deepEqual(fromStrings, parsePabulibText(text));
  assert.deepEqual(await parsePabulib(text), fromStrings, 'a plain string is read whole');
  const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(minimal())]);
  assert.deepEqual(await parsePabulib([withBom]), fromStrings);
  await assert.rejects(parsePabulib([new Uint8Array([0x4d, 0x45, 0xff])]), /not valid UTF-8/);
});

test('titles are case-insensitive, values are trimmed, blank lines are ignored, quoted fields keep ";"', () => {
  const text = [
    '',
    '  meta ',
    'key;value',
    ...REQUIRED_META,
    ' comment ; "note; with ""quotes"""',
    '',
    'Projects',
    'project_id; cost; name',
    '1; 10;  "  spaced  " ',
    '2;20;plain',
    'votes',
    'voter_id;vote',
    'a; 1, 2',
    '',
  ].join('\n');
  const { file } = parsePabulibText(text);
  assert.deepEqual(file.meta.at(-1), ['comment', 'note; with "quotes"']);
  assert.deepEqual(file.projectColumns, ['project_id', 'cost', 'name']);
  assert.deepEqual(file.projects[0], {
    id: '1',
    cost: '10',
    fields: { cost: '10', name: '  spaced  ' },
    line: 16,
  });
  assert.deepEqual(file.votes[0]?.vote, ['1', '2']);
});

const REQUIRED_META = [
  'description;Test',
  'country;United Kingdom',
  'unit;Trafford',
  'instance;2026',
  'num_projects;2',
  'num_votes;2',
  'budget;100',
  'vote_type;approval',
];

/** A small valid file, with parts replaceable to make it wrong. Line numbers are noted below. */
function minimal(
  parts: {
    meta?: string[];
    projectsHeader?: string;
    projectRows?: string[];
    votesHeader?: string;
    voteRows?: string[];
  } = {},
): string {
  return [
    'META', // line 1
    'key;value', // 2
    ...(parts.meta ?? REQUIRED_META), // 3-10 by default
    'PROJECTS', // 11
    parts.projectsHeader ?? 'project_id;cost;name', // 12
    ...(parts.projectRows ?? ['1;10;One', '2;20;Two']), // 13, 14
    'VOTES', // 15
    parts.votesHeader ?? 'voter_id;vote', // 16
    ...(parts.voteRows ?? ['a;1,2', 'b;2']), // 17, 18
    '',
  ].join('\n');
}

function withMeta(key: string, value: string | undefined): string[] {
  const rows = REQUIRED_META.filter((row) => !row.startsWith(`${key};`));
  return value === undefined ? rows : [...rows, `${key};${value}`];
}

function assertError(text: string, line: number, message: RegExp): void {
  assert.throws(
    () => parsePabulibText(text),
    (error: unknown) => {
      assert.ok(error instanceof PabulibError, `expected a PabulibError, got ${String(error)}`);
      assert.equal(error.line, line, error.message);
      assert.ok(error.message.startsWith(`Line ${line}: `), error.message);
      assert.match(error.message, message);
      return true;
    },
  );
}

test('the minimal file reads without warnings', () => {
  const result = parsePabulibText(minimal());
  assert.deepEqual(result.warnings, []);
  assert.equal(result.file.votes.length, 2);
});

test('missing or misordered sections are errors naming the line', () => {
  assertError('', 1, /file is empty/);
  assertError('hello\n', 1, /must start with a line saying META/);
  assertError('PROJECTS\n', 1, /found PROJECTS out of order/);
  assertError(['META', 'key;value', ...REQUIRED_META].join('\n'), 10, /ends before the PROJECTS section/);
  assertError(minimal().split('VOTES')[0] as string, 14, /ends before the VOTES section/);
  assertError(`${minimal().split('VOTES')[0]}VOTES\n`, 15, /ends before the VOTES header/);
  assertError(minimal().replace('PROJECTS', 'VOTES'), 11, /found VOTES out of order/);
  assertError(`${minimal()}META\n`, 19, /found META out of order/);
  assertError(minimal().replace('key;value', 'PROJECTS'), 2, /header row/);
});

test('a META header other than key;value is an error', () => {
  assertError(minimal().replace('key;value', 'name;value'), 2, /META header must be "key;value"/);
});

test('a missing required META key is an error at the PROJECTS line', () => {
  assertError(minimal({ meta: withMeta('budget', undefined) }), 10, /missing the required key budget/);
  const noTwo = REQUIRED_META.filter((row) => !row.startsWith('unit;') && !row.startsWith('vote_type;'));
  assertError(minimal({ meta: noTwo }), 9, /missing the required keys unit, vote_type/);
});

test('an unknown vote_type, a bad budget and a repeated META key are errors', () => {
  assertError(minimal({ meta: withMeta('vote_type', 'plurality') }), 10, /vote_type "plurality" is not one/);
  assertError(minimal({ meta: withMeta('budget', '-5') }), 10, /budget is "-5"; a budget must be/);
  assertError(minimal({ meta: withMeta('budget', 'lots') }), 10, /budget is "lots"/);
  assertError(
    minimal({ meta: [...REQUIRED_META, 'unit;Sale'] }),
    11,
    /unit is given twice \(first on line 5\)/,
  );
  assertError(minimal({ meta: [...REQUIRED_META, 'comment'] }), 11, /has no value/);
});

test('PROJECTS and VOTES headers must start with their id and have cost / vote', () => {
  assertError(minimal({ projectsHeader: 'id;cost;name' }), 12, /must start with project_id/);
  assertError(minimal({ projectsHeader: 'project_id;price;name' }), 12, /no cost column/);
  assertError(minimal({ votesHeader: 'id;vote' }), 16, /must start with voter_id/);
  assertError(minimal({ votesHeader: 'voter_id;ballot' }), 16, /no vote column/);
  assertError(minimal({ projectsHeader: 'project_id;cost;cost' }), 12, /names the column cost twice/);
});

test('a cumulative or scoring file without a points column is an error', () => {
  for (const type of ['cumulative', 'scoring']) {
    assertError(minimal({ meta: withMeta('vote_type', type) }), 16, new RegExp(`no points column.*${type}`));
  }
});

test('duplicate project and voter ids are errors', () => {
  assertError(
    minimal({ projectRows: ['1;10;One', '1;20;Two'] }),
    14,
    /project 1 is listed twice \(first on line 13\)/,
  );
  assertError(minimal({ voteRows: ['a;1', 'a;2'] }), 18, /voter a has two ballots \(the first on line 17\)/);
});

test('rows with more or fewer fields than the header are errors', () => {
  assertError(
    minimal({ projectRows: ['1;10;One;extra', '2;20;Two'] }),
    13,
    /has 4 fields but the header has 3/,
  );
  assertError(minimal({ voteRows: ['a;1', 'b'] }), 18, /has 1 field but the header has 2/);
});

test('a cost that is not a non-negative number is an error', () => {
  assertError(
    minimal({ projectRows: ['1;10;One', '2;abc;Two'] }),
    14,
    /^Line 14: project 2 has cost "abc"; a cost must be a whole or decimal number of at least 0$/,
  );
  assertError(minimal({ projectRows: ['1;-1;One', '2;2;Two'] }), 13, /cost "-1"/);
  const decimal = parsePabulibText(minimal({ projectRows: ['1;10.50;One', '2;0;Two'] }));
  assert.equal(decimal.file.projects[0]?.cost, '10.50');
});

test('a ballot naming an unknown project, or one project twice, is an error', () => {
  assertError(
    minimal({ voteRows: ['a;1', 'b;3'] }),
    18,
    /voter b votes for project 3, which is not in PROJECTS/,
  );
  assertError(minimal({ voteRows: ['a;1,2,1', 'b;2'] }), 17, /voter a names project 1 twice/);
  assertError(minimal({ voteRows: ['a;1,,2', 'b;2'] }), 17, /empty project id/);
  // A long ranked ballot (checked another way, for speed).
  const ids = Array.from({ length: 40 }, (_, i) => String(i + 1));
  const long = minimal({
    meta: withMeta('vote_type', 'ordinal'),
    projectRows: ids.map((id) => `${id};1;P${id}`),
    voteRows: [`a;${ids.join(',')}`, `b;${ids.slice(0, 30).join(',')},7`],
  });
  assertError(long, 56, /voter b names project 7 twice/);
});

test('points must be numbers, one for each project named', () => {
  const cumulative = { meta: withMeta('vote_type', 'cumulative'), votesHeader: 'voter_id;vote;points' };
  assertError(
    minimal({ ...cumulative, voteRows: ['a;1,2;3', 'b;2;1'] }),
    17,
    /names 2 projects but gives 1 points value/,
  );
  assertError(
    minimal({ ...cumulative, voteRows: ['a;1,2;3,4', 'b;2;x'] }),
    18,
    /points "x", which is not a number/,
  );
  assertError(
    minimal({ ...cumulative, voteRows: ['a;1,2;3, ', 'b;2;1'] }),
    17,
    /points "", which is not a number/,
  );
  const ok = parsePabulibText(minimal({ ...cumulative, voteRows: ['a;1,2;3,-0', 'b;2;1.5'] }));
  assert.deepEqual(
    ok.file.votes.map((v) => v.points),
    [[3, 0], [1.5]],
  );
  assert.ok(Object.is(ok.file.votes[0]?.points?.[1], 0), '-0 is read as 0');
});

test('an unclosed quote is an error on its line; a quote inside an unquoted value is kept', () => {
  assertError(minimal({ projectRows: ['1;10;"One', '2;20;Two'] }), 13, /field 3 opens a quote/);
  const kept = parsePabulibText(minimal({ projectRows: ['1;10;5" screen', '2;20;"Two" and "three"'] }));
  assert.equal(kept.file.projects[0]?.fields.name, '5" screen');
  assert.equal(kept.file.projects[1]?.fields.name, '"Two" and "three"');
});

function warningsOf(text: string): string[] {
  return parsePabulibText(text).warnings.map((w) => {
    assert.ok(w.message.startsWith(`Line ${w.line}: `), w.message);
    return w.message;
  });
}

test('num_projects and num_votes that disagree with the rows are warnings', () => {
  const meta = withMeta('num_projects', '3').concat();
  const text = minimal({ meta: meta.map((row) => (row === 'num_votes;2' ? 'num_votes;5' : row)) });
  assert.deepEqual(warningsOf(text), [
    'Line 7: num_votes says 5 but VOTES has 2 rows',
    'Line 10: num_projects says 3 but PROJECTS has 2 rows',
  ]);
});

test('ballots outside min_length / max_length are warnings, and counting can go on', () => {
  const text = minimal({
    meta: [...REQUIRED_META, 'min_length;2', 'max_length;1'],
    voteRows: ['a;1,2', 'b;2'],
  });
  const result = parsePabulibText(text);
  assert.equal(result.file.votes.length, 2);
  assert.deepEqual(
    result.warnings.map((w) => w.message),
    [
      'Line 19: voter a chooses 2 projects, more than max_length 1',
      'Line 20: voter b chooses 1 project, fewer than min_length 2',
    ],
  );
});

test('points outside min_points / max_points and sums outside min/max_sum_points are warnings', () => {
  const text = minimal({
    meta: [
      ...withMeta('vote_type', 'scoring'),
      'min_points;1',
      'max_points;5',
      'min_sum_points;3',
      'max_sum_points;8',
    ],
    votesHeader: 'voter_id;vote;points',
    voteRows: ['a;1,2;0,6', 'b;2;9', 'c;1;2', 'd;1,2;4,4'],
  });
  assert.deepEqual(warningsOf(text), [
    'Line 8: num_votes says 2 but VOTES has 4 rows',
    'Line 21: voter a gives a project 0 points, fewer than min_points 1',
    'Line 21: voter a gives a project 6 points, more than max_points 5',
    'Line 22: voter b gives 9 points in total, more than max_sum_points 8',
    'Line 22: voter b gives a project 9 points, more than max_points 5',
    'Line 23: voter c gives 2 points in total, fewer than min_sum_points 3',
  ]);
});

test('choose-1 ballots with other than one project are warnings', () => {
  const text = minimal({ meta: withMeta('vote_type', 'choose-1'), voteRows: ['a;1,2', 'b;2', 'c;'] });
  assert.deepEqual(warningsOf(text), [
    'Line 8: num_votes says 2 but VOTES has 3 rows',
    'Line 17: voter a chooses 2 projects in a choose-1 file',
    'Line 19: voter c chooses 0 projects in a choose-1 file',
  ]);
});

test('a limit that is not a number, and an unquoted ";" in META, are warnings', () => {
  const text = minimal({ meta: [...REQUIRED_META, 'max_length;three', 'comment;a; b'] });
  const result = parsePabulibText(text);
  assert.deepEqual(result.file.meta.at(-1), ['comment', 'a;b']);
  assert.deepEqual(
    result.warnings.map((w) => w.message),
    [
      'Line 11: max_length is "three", which is not a number, so ballots are not checked against it',
      'Line 12: META comment holds an unquoted ";"; the rest of the line is kept as its value',
    ],
  );
});

test('past 100 ballots breaking the same rule, the rest are counted in one warning', () => {
  const rows = Array.from({ length: 250 }, (_, i) => `v${i};1,2`);
  const text = minimal({ meta: withMeta('num_votes', '250').concat('max_length;1'), voteRows: rows });
  const messages = warningsOf(text);
  assert.equal(messages.length, 101);
  assert.equal(
    messages[100],
    'Line 118: and 150 more ballots are longer than max_length (not listed one by one)',
  );
});
