import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { makeLottery } from '../../lib/sortition/lottery.js';
import { selectPanel } from '../../lib/sortition/select.js';
import { runSortitionCli, type SortitionEngine } from './sortition-cli.js';

// The Sortition Foundation's own synthetic example files (test/fixtures/sortition/README.md).
const fixtures = path.resolve(import.meta.dirname, '../../../test/fixtures/sortition');
const EXAMPLE_FEATURES = path.join(fixtures, 'features.csv');
const EXAMPLE_PEOPLE = path.join(fixtures, 'candidates.csv');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-sortition-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A small pool: 12 people, a panel of 4 with two women and two men, at least one of each age. */
const FEATURES = path.join(dir, 'features.csv');
fs.writeFileSync(
  FEATURES,
  'feature,value,min,max\nGender,Female,2,2\nGender,Male,2,2\nAge,Young,1,3\nAge,Old,1,3\n',
);
const PEOPLE = path.join(dir, 'people.csv');
fs.writeFileSync(
  PEOPLE,
  [
    'id,name,Gender,Age,street',
    ...Array.from(
      { length: 12 },
      (_, i) =>
        `r${i},Person ${i},${i % 2 ? 'Male' : 'Female'},${i % 3 ? 'Young' : 'Old'},${i < 2 ? '1 Shared Close' : `${i} Own Road`}`,
    ),
  ].join('\n'),
);

let outs = 0;
/** A fresh output folder for each run, so no run reads another's files. */
const freshOut = () => path.join(dir, `out-${++outs}`);

async function run(argv: string[], engine?: SortitionEngine) {
  let out = '';
  let err = '';
  const code = await runSortitionCli(argv, { out: (t) => (out += t), err: (t) => (err += t) }, engine);
  return { code, out, err };
}

function readOut(out: string) {
  const csv = (name: string) =>
    parse(fs.readFileSync(path.join(out, name), 'utf8'), { columns: true }) as Record<string, string>[];
  return {
    panel: csv('panel.csv'),
    probabilities: csv('probabilities.csv'),
    lottery: csv('lottery.csv'),
    summary: JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')),
  };
}

/** What anyone checking a seeded draw computes: SHA-256 of the seed, as a number, mod m. */
function seedToPanel(seed: string, m: number): number {
  const hex = crypto.createHash('sha256').update(seed, 'utf8').digest('hex');
  return Number(BigInt(`0x${hex}`) % BigInt(m));
}

test('select writes the four files, and the panel is the one the seed draws from the lottery', async () => {
  const out = freshOut();
  const {
    code,
    out: stdout,
    err,
  } = await run([
    'select',
    '--features',
    FEATURES,
    '--people',
    PEOPLE,
    '--k',
    '4',
    '--address-columns',
    'street',
    '--seed',
    'Trafford assembly 2026',
    '--lottery-size',
    '50',
    '--out',
    out,
  ]);
  assert.equal(code, 0, err);
  const { panel, probabilities, lottery, summary } = readOut(out);
  const drawn = seedToPanel('Trafford assembly 2026', 50);

  assert.deepEqual(Object.keys(summary).slice(0, 6), [
    'algorithm',
    'n',
    'k',
    'min_probability',
    'seconds',
    'random',
  ]);
  assert.equal(summary.algorithm, 'leximin');
  assert.equal(summary.n, 12);
  assert.equal(summary.k, 4);
  assert.equal(summary.random, 'Trafford assembly 2026');
  assert.equal(summary.panel, drawn);
  assert.equal(summary.lottery_size, 50);
  assert.equal(summary.optimal, true);

  // panel.csv is lottery panel number `drawn`, with every column of the people file.
  const drawnIds = lottery.filter((row) => Number(row.panel) === drawn).map((row) => row.id);
  assert.deepEqual(
    panel.map((row) => row.id),
    drawnIds,
  );
  assert.deepEqual(Object.keys(panel[0] ?? {}), ['id', 'name', 'Gender', 'Age', 'street']);
  assert.equal(panel.length, 4);
  assert.equal(panel.filter((row) => row.Gender === 'Female').length, 2);
  assert.ok(panel.some((row) => row.Age === 'Old') && panel.some((row) => row.Age === 'Young'));
  assert.ok(!(drawnIds.includes('r0') && drawnIds.includes('r1')), 'never two people from one address');

  // The lottery holds 50 panels of 4, numbered 0 to 49.
  assert.equal(lottery.length, 50 * 4);
  assert.deepEqual(
    [...new Set(lottery.map((row) => Number(row.panel)))],
    Array.from({ length: 50 }, (_, i) => i),
  );

  // Every respondent has a chance, in pool order; the chances add up to the panel size.
  assert.deepEqual(
    probabilities.map((row) => row.id),
    Array.from({ length: 12 }, (_, i) => `r${i}`),
  );
  const chances = probabilities.map((row) => Number(row.probability));
  assert.ok(chances.every((p) => p >= 0 && p <= 1));
  assert.ok(Math.abs(chances.reduce((a, b) => a + b, 0) - 4) < 1e-6);
  assert.ok(Math.abs(Math.min(...chances) - summary.min_probability) < 1e-9);

  assert.match(
    stdout,
    new RegExp(`Drew panel ${drawn} of the lottery's 50 \\(seed Trafford assembly 2026: `),
  );
  assert.match(stdout, /4 of 12 people chosen by leximin; the smallest chance of selection is 0\.\d+/);
  assert.ok(stdout.includes(out), 'says where the files went');
});

test('--random N draws panel N, and summary.json records the number', async () => {
  const out = freshOut();
  const {
    code,
    out: stdout,
    err,
  } = await run([
    'select',
    '--features',
    FEATURES,
    '--people',
    PEOPLE,
    '--k',
    '4',
    '--algorithm',
    'maximin',
    '--random',
    '17',
    '--lottery-size',
    '20',
    '--out',
    out,
  ]);
  assert.equal(code, 0, err);
  const { panel, lottery, summary } = readOut(out);
  assert.equal(summary.random, 17);
  assert.equal(summary.panel, 17);
  assert.equal(summary.algorithm, 'maximin');
  assert.deepEqual(
    panel.map((row) => row.id),
    lottery.filter((row) => row.panel === '17').map((row) => row.id),
  );
  assert.match(stdout, /Drew panel 17 of the lottery's 20 \(the public random number 17\)/);
});

test('without --random or --seed a seed is made, recorded, and draws the panel it says', async () => {
  const out = freshOut();
  const { code, err } = await run([
    'select',
    '--features',
    FEATURES,
    '--people',
    PEOPLE,
    '--k',
    '4',
    '--out',
    out,
  ]);
  assert.equal(code, 0, err);
  const { summary, lottery } = readOut(out);
  assert.match(summary.random, /^[0-9a-f]{32}$/);
  assert.equal(summary.lottery_size, 1000);
  assert.equal(summary.panel, seedToPanel(summary.random, 1000));
  assert.equal(lottery.length, 1000 * 4);
});

test('the example pool: a panel of 22 meeting every quota, no two people from one address', async () => {
  const out = freshOut();
  const { code, err } = await run([
    'select',
    '--features',
    EXAMPLE_FEATURES,
    '--people',
    EXAMPLE_PEOPLE,
    '--k',
    '22',
    '--address-columns',
    'primary_address1,primary_zip',
    '--lottery-size',
    '100',
    '--seed',
    'example',
    '--out',
    out,
  ]);
  assert.equal(code, 0, err);
  const { panel, summary, probabilities } = readOut(out);
  assert.equal(panel.length, 22);
  assert.equal(probabilities.length, 150);
  assert.equal(summary.n, 150);
  const features = parse(fs.readFileSync(EXAMPLE_FEATURES, 'utf8'), { columns: true }) as Record<
    string,
    string
  >[];
  for (const quota of features) {
    const have = panel.filter((row) => row[quota.feature as string] === quota.value).length;
    assert.ok(
      have >= Number(quota.min) && have <= Number(quota.max),
      `${quota.feature} ${quota.value}: ${have} on the panel`,
    );
  }
  const addresses = panel.map((row) => `${row.primary_address1}|${row.primary_zip}`);
  assert.equal(new Set(addresses).size, 22);
  assert.deepEqual(Object.keys(panel[0] ?? {}).slice(0, 3), ['nationbuilder_id', 'first_name', 'last_name']);
});

test('--out is made when missing, folders and all', async () => {
  const out = path.join(freshOut(), 'deeper', 'still');
  const { code, err } = await run([
    'select',
    '--features',
    FEATURES,
    '--people',
    PEOPLE,
    '--k',
    '4',
    '--out',
    out,
  ]);
  assert.equal(code, 0, err);
  assert.deepEqual(fs.readdirSync(out).sort(), [
    'lottery.csv',
    'panel.csv',
    'probabilities.csv',
    'summary.json',
  ]);
});

test('a search stopped by the time limit says so on stderr and in summary.json', async () => {
  // The engine is wrapped to report an early stop whatever the machine's speed.
  const engine: SortitionEngine = {
    selectPanel: async (problem, options) => ({
      ...(await selectPanel(problem, options)),
      optimal: false,
      bound: 0.5,
    }),
    makeLottery,
  };
  const out = freshOut();
  const {
    code,
    out: stdout,
    err,
  } = await run(
    ['select', '--features', FEATURES, '--people', PEOPLE, '--k', '4', '--time-limit', '5', '--out', out],
    engine,
  );
  assert.equal(code, 0, err);
  assert.match(
    err,
    /The time limit of 5 seconds stopped the search before the fairest distribution was proven: the smallest chance found is 0\.\d+, and no distribution can give everyone more than 0\.5\./,
  );
  assert.match(stdout, /the time limit stopped the search early/);
  const { summary } = readOut(out);
  assert.equal(summary.optimal, false);
  assert.equal(summary.bound, 0.5);
});

/** What the CLI writes on stderr when the engine sends progress through `report` before it chooses. */
async function progressShown(
  report: (...args: Parameters<SortitionEngine['selectPanel']>) => Promise<void>,
): Promise<string> {
  const engine: SortitionEngine = {
    selectPanel: async (problem, options) => {
      await report(problem, options);
      // The engine's own reports are left out so that a slow machine cannot add a line.
      return selectPanel(problem, { ...options, onProgress: undefined });
    },
    makeLottery,
  };
  const { code, err } = await run(
    ['select', '--features', FEATURES, '--people', PEOPLE, '--k', '4', '--out', freshOut()],
    engine,
  );
  assert.equal(code, 0, err);
  return err;
}

/** Progress is shown at most once a second, counted from the start. */
const aSecond = () => new Promise((resolve) => setTimeout(resolve, 1100));

test('progress goes to stderr at most about once a second', async () => {
  const err = await progressShown(async (problem, options) => {
    const report = (level: number, seconds: number) =>
      options.onProgress?.({ level, fixed: level * 2, n: problem.people.length, minimum: 0.25, seconds });
    for (let i = 0; i < 20; i++) report(1, 0);
    await aSecond();
    for (let i = 0; i < 20; i++) report(2, 1.1);
  });
  assert.equal(err, 'LEXIMIN level 2: 4 of 12 people fixed, smallest chance 0.25, 1s\n');
});

test("while LEXIMIN aims at the fractional panels' chances, progress says how close it is", async () => {
  const err = await progressShown(async (problem, options) => {
    await aSecond();
    const n = problem.people.length;
    options.onProgress?.({ level: 1, fixed: 0, n, minimum: 0.24995, seconds: 3, share: 0.99987 });
  });
  assert.equal(
    err,
    'LEXIMIN: everyone has at least 99.98% of the chance the fairest fractional panels would give, smallest chance at least 0.25, 3s\n',
  );
});

test('a share of the target shows as the percentage it is, not one hundredth less', async () => {
  const err = await progressShown(async (problem, options) => {
    await aSecond();
    const n = problem.people.length;
    // 0.57 × 100 is 56.99999999999999 in binary floating point.
    options.onProgress?.({ level: 1, fixed: 0, n, minimum: 0.057, seconds: 2, share: 0.57 });
  });
  assert.match(err, /^LEXIMIN: everyone has at least 57\.00% of the chance/);
});

test('when the engine cannot choose, its message is shown without a stack trace', async () => {
  const engine: SortitionEngine = {
    selectPanel: async () => {
      throw new Error('No panel meets the quotas once households are counted.');
    },
    makeLottery,
  };
  const { code, err } = await run(['select', '--features', FEATURES, '--people', PEOPLE, '--k', '4'], engine);
  assert.equal(code, 1);
  assert.equal(err, 'kith sortition select: No panel meets the quotas once households are counted.\n');
});

test('input problems: every row of a bad file is listed, and nothing is written', async () => {
  const bad = path.join(dir, 'bad-people.csv');
  fs.writeFileSync(bad, 'id,Gender,Age\na,Femal,Young\nb,Male,Ancient\na,Male,Old\n,Male,Old\n');
  const out = freshOut();
  const { code, err } = await run([
    'select',
    '--features',
    FEATURES,
    '--people',
    bad,
    '--k',
    '2',
    '--out',
    out,
  ]);
  assert.equal(code, 1);
  assert.equal(
    err,
    `Warning: ${bad}: Row 5: the "id" is blank, so this row was skipped.\n` +
      `kith sortition select: ${bad} has 3 problems; nothing was chosen:\n` +
      '  Row 2: "Gender" is "Femal", which is not one of Female or Male\n' +
      '  Row 3: "Age" is "Ancient", which is not one of Young or Old\n' +
      '  Row 4: the id "a" is used again (first on row 2).\n',
  );
  assert.equal(fs.existsSync(out), false);

  const badFeatures = path.join(dir, 'bad-features.csv');
  fs.writeFileSync(badFeatures, 'feature,value,min,max\nGender,Female,3,2\n');
  const features = await run(['select', '--features', badFeatures, '--people', PEOPLE, '--k', '2']);
  assert.equal(features.code, 1);
  assert.match(
    features.err,
    /bad-features\.csv has a problem; nothing was chosen:\n {2}Row 2: for "Gender" "Female" the min \(3\) is more than the max \(2\)\.\n$/,
  );

  const noId = await run([
    'select',
    '--features',
    FEATURES,
    '--people',
    PEOPLE,
    '--k',
    '4',
    '--id-column',
    'ref',
  ]);
  assert.equal(noId.code, 1);
  assert.match(noId.err, /The people file has no "ref" column to take the ids from\./);
});

test('quota arithmetic that cannot work is explained before any search', async () => {
  const { code, err } = await run(['select', '--features', FEATURES, '--people', PEOPLE, '--k', '13']);
  assert.equal(code, 1);
  assert.equal(
    err,
    'kith sortition select: no panel of 13 can meet the quotas:\n' +
      '  The panel needs 13 people but only 12 are in the pool.\n' +
      '  "Gender": the maximums add up to 4, fewer than the panel size of 13.\n' +
      '  "Age": the maximums add up to 6, fewer than the panel size of 13.\n',
  );
});

test('a missing file gets a plain message', async () => {
  const { code, err } = await run(['select', '--features', '/nowhere/f.csv', '--people', PEOPLE, '--k', '4']);
  assert.equal(code, 1);
  assert.equal(err, 'kith sortition select: there is no file at /nowhere/f.csv\n');
  const folder = await run(['select', '--features', FEATURES, '--people', dir, '--k', '4']);
  assert.equal(folder.code, 1);
  assert.equal(folder.err, `kith sortition select: ${dir} is a folder, not a CSV file\n`);
});

test('usage mistakes exit 2 with one clear line and the help', async () => {
  const base = ['select', '--features', FEATURES, '--people', PEOPLE];
  const cases: [string[], RegExp][] = [
    [[], /^kith sortition: Say what to do: select or replace\.\n\nUsage: kith sortition select/],
    [['choose'], /"choose" is not a sortition command; use select or replace\./],
    [['select', '--people', PEOPLE, '--k', '4'], /Give the features file with --features\./],
    [base, /Give the panel size with --k\./],
    [[...base, '--k', '0'], /--k is "0"; the panel size must be a whole number of 1 or more\./],
    [[...base, '--k', '4.5'], /--k is "4\.5"/],
    [
      [...base, '--k', '4', '--algorithm', 'nash'],
      /"nash" is not an algorithm; use one of leximin, maximin, legacy\./,
    ],
    [[...base, '--k', '4', '--random', '3', '--seed', 'x'], /Give --random or --seed, not both\./],
    [
      [...base, '--k', '4', '--random', '1000'],
      /--random is "1000"; it must be a panel number from 0 to 999/,
    ],
    [[...base, '--k', '4', '--random', '-1'], /--random/],
    [[...base, '--k', '4', '--lottery-size', 'many'], /--lottery-size is "many"/],
    [[...base, '--k', '4', '--time-limit', '0'], /--time-limit is "0"; give a number of seconds above 0\./],
    [[...base, '--k', '4', '--address-columns', 'a,,b'], /--address-columns has a blank name/],
    [[...base, '--k', '4', '--panel-size', '4'], /^kith sortition: --panel-size is not an option\./],
    [[...base, '--k'], /--k needs a value\./],
    [[...base, '--k', '4', 'extra.csv'], /Unexpected extra\.csv/],
  ];
  for (const [argv, message] of cases) {
    const { code, err, out } = await run(argv);
    assert.equal(code, 2, `${argv.join(' ')}: ${err}`);
    assert.match(err, message);
    assert.equal(out, '');
  }
});

test('--help prints the help and exits 0', async () => {
  for (const argv of [['--help'], ['select', '-h']]) {
    const { code, out } = await run(argv);
    assert.equal(code, 0);
    assert.match(out, /^Usage: kith sortition select --features FEATURES\.csv --people PEOPLE\.csv --k N/);
    assert.match(out, /--algorithm A +leximin \| maximin \| legacy \(default leximin\)/);
  }
});

test('replace keeps the members who stay and fills the dropped seat within the quotas', async () => {
  const first = freshOut();
  assert.equal(
    (
      await run(
        [
          'sortition',
          'select',
          '--features',
          FEATURES,
          '--people',
          PEOPLE,
          '--k',
          '4',
          '--seed',
          'a',
          '--out',
          first,
        ].slice(1),
      )
    ).code,
    0,
  );
  const before = readOut(first).panel;
  const dropped = before[0]?.id as string;
  const second = freshOut();
  const replaced = await run([
    'replace',
    '--features',
    FEATURES,
    '--people',
    PEOPLE,
    '--panel',
    path.join(first, 'panel.csv'),
    '--dropped',
    dropped,
    '--seed',
    'b',
    '--out',
    second,
  ]);
  assert.equal(replaced.code, 0, replaced.err);
  const after = readOut(second);
  const ids = after.panel.map((row) => row.id);
  assert.equal(ids.length, 4);
  assert.ok(!ids.includes(dropped), 'the member who dropped out is not on the new panel');
  for (const row of before.slice(1)) assert.ok(ids.includes(row.id as string), `${row.id} stays`);
  assert.equal(after.panel.filter((row) => row.Gender === 'Female').length, 2);
  assert.equal(after.panel.filter((row) => row.Gender === 'Male').length, 2);
  // Only people not on the old panel could take the seat, and their chances add up to the one seat.
  const chanceOf = new Map(after.probabilities.map((row) => [row.id, Number(row.probability)]));
  const newcomers = [...chanceOf].filter(([id]) => !before.some((row) => row.id === id));
  assert.ok(Math.abs(newcomers.reduce((sum, [, p]) => sum + p, 0) - 1) < 1e-6);
  assert.equal(chanceOf.get(dropped), 0);
});

test('replace explains a dropped id that is not on the panel', async () => {
  const first = freshOut();
  await run([
    'select',
    '--features',
    FEATURES,
    '--people',
    PEOPLE,
    '--k',
    '4',
    '--seed',
    'a',
    '--out',
    first,
  ]);
  const onPanel = new Set(readOut(first).panel.map((row) => row.id));
  const outsider = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5'].find((id) => !onPanel.has(id)) as string;
  const result = await run([
    'replace',
    '--features',
    FEATURES,
    '--people',
    PEOPLE,
    '--panel',
    path.join(first, 'panel.csv'),
    '--dropped',
    outsider,
  ]);
  assert.equal(result.code, 1);
  assert.match(result.err, new RegExp(`--dropped names ${outsider}, who is not on the panel`));
});

test('draw re-checks a published draw from lottery.csv and summary.json alone', async () => {
  const out = freshOut();
  const selected = await run([
    'select',
    '--features',
    FEATURES,
    '--people',
    PEOPLE,
    '--k',
    '4',
    '--seed',
    'checked in public',
    '--lottery-size',
    '30',
    '--out',
    out,
  ]);
  assert.equal(selected.code, 0, selected.err);
  const { panel, summary } = readOut(out);
  const lottery = path.join(out, 'lottery.csv');
  const drawn = await run([
    'draw',
    '--lottery',
    lottery,
    '--summary',
    path.join(out, 'summary.json'),
    '--panel',
    path.join(out, 'panel.csv'),
  ]);
  assert.equal(drawn.code, 0, drawn.err);
  const lines = drawn.out.trim().split('\n');
  assert.match(
    lines[0] ?? '',
    new RegExp(`^Drew panel ${summary.panel} of the lottery's 30 \\(seed checked in public`),
  );
  assert.deepEqual(
    lines.slice(1, 5),
    panel.map((row) => row.id),
  );
  assert.match(drawn.out, /panel\.csv is exactly panel \d+\./);

  // A number given by hand picks that panel; a different panel file is caught.
  const byNumber = await run(['draw', '--lottery', lottery, '--random', '3']);
  assert.equal(byNumber.code, 0, byNumber.err);
  assert.match(byNumber.out, /^Drew panel 3 of the lottery's 30 \(the public random number 3\)/);
  const wrong = path.join(dir, 'wrong-panel.csv');
  fs.writeFileSync(wrong, 'id\nr0\nr1\nr2\nr3\n');
  const mismatch = await run(['draw', '--lottery', lottery, '--random', '3', '--panel', wrong]);
  const three = byNumber.out.trim().split('\n').slice(1);
  if (three.join() !== 'r0,r1,r2,r3') {
    assert.equal(mismatch.code, 1);
    assert.match(mismatch.err, /wrong-panel\.csv is not panel 3\./);
  }

  // A summary whose panel number does not follow from its seed is refused.
  const tampered = path.join(dir, 'tampered.json');
  fs.writeFileSync(tampered, JSON.stringify({ ...summary, panel: (summary.panel + 1) % 30 }));
  const bad = await run(['draw', '--lottery', lottery, '--summary', tampered]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /says panel \d+ was drawn, but its seed draws panel \d+/);

  // Out of range and usage mistakes.
  const outOfRange = await run(['draw', '--lottery', lottery, '--random', '30']);
  assert.equal(outOfRange.code, 1);
  assert.match(outOfRange.err, /from 0 to 29/);
  assert.equal((await run(['draw', '--lottery', lottery])).code, 2);
  assert.equal((await run(['draw', '--random', '1'])).code, 2);
});
