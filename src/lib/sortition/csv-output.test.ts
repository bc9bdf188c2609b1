import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { parsePeople } from './csv-input.js';
import { formatProbability, lotteryCsv, panelCsv, probabilitiesCsv, summaryJson } from './csv-output.js';
import type { Feature } from './types.js';

const GENDER: Feature[] = [
  {
    name: 'Gender',
    values: [
      { value: 'Female', min: 0, max: 2 },
      { value: 'Male', min: 0, max: 2 },
    ],
  },
];
const PEOPLE = parsePeople(
  'name,id,Gender,address\nAnn Smith,a,female,"1 High St, Sale"\nBo,b,Male,\nCy,c,Male,"3 ""The Lodge"""\n',
  GENDER,
);

test('panel.csv holds the chosen people with every original column in file order', () => {
  const text = panelCsv(PEOPLE, [0, 2]);
  assert.equal(
    text,
    'name,id,Gender,address\nAnn Smith,a,female,"1 High St, Sale"\nCy,c,Male,"3 ""The Lodge"""\n',
  );
  // Read back, the cells are exactly those of the people file.
  assert.deepEqual(parse(text, { columns: true }), [PEOPLE[0]?.columns, PEOPLE[2]?.columns]);
});

test('panel.csv of people made without a file still names them by id', () => {
  assert.equal(
    panelCsv(
      [
        { id: 'x', values: [] },
        { id: 'y', values: [] },
      ],
      [1],
    ),
    'id\ny\n',
  );
});

test('probabilities.csv lists every respondent in pool order with a plain decimal chance', () => {
  assert.equal(probabilitiesCsv(PEOPLE, [1, 1e-7, 0]), 'id,probability\na,1\nb,0.0000001\nc,0\n');
  assert.throws(() => probabilitiesCsv(PEOPLE, [0.5]), /3 people but 1 probabilities/);
});

test('chances are rounded to 10 places and never written in exponent notation', () => {
  assert.equal(formatProbability(1 / 3), '0.3333333333');
  assert.equal(formatProbability(2 / 3), '0.6666666667');
  assert.equal(formatProbability(0.25), '0.25');
  assert.equal(formatProbability(1e-11), '0');
  assert.equal(formatProbability(5e-11), '0.0000000001');
  // A solver's tolerance can leave a chance a hair outside 0 to 1.
  assert.equal(formatProbability(-1e-12), '0');
  assert.equal(formatProbability(1 + 1e-12), '1');
  assert.throws(() => formatProbability(1.5), /1.5 is not a probability/);
  assert.throws(() => formatProbability(Number.NaN), /not a probability/);
});

test('property: a written chance is a plain decimal within 1e-10 of the chance', () => {
  fc.assert(
    fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (p) => {
      const text = formatProbability(p);
      assert.match(text, /^(0|1|0\.\d{0,9}[1-9])$/);
      assert.ok(Math.abs(Number(text) - p) <= 0.5e-10 + 1e-16, `${p} written as ${text}`);
    }),
  );
});

test('lottery.csv has one row per member per panel, panels in number order', () => {
  const text = lotteryCsv(PEOPLE, {
    panels: [
      [0, 1],
      [1, 2],
      [0, 2],
    ],
  });
  assert.equal(text, 'panel,id\n0,a\n0,b\n1,b\n1,c\n2,a\n2,c\n');
  assert.throws(() => lotteryCsv(PEOPLE, { panels: [[0, 7]] }), /panel 0 names person 7/);
});

test('summary.json starts with the six required keys and adds the extras in a fixed order', () => {
  const text = summaryJson({
    levels: 4,
    panel: 417,
    random: 'c0ffee',
    seconds: 12.34567,
    ilp_calls: 9,
    min_probability: 1e-7,
    k: 22,
    lottery_max_deviation: 0.0004,
    lp_calls: 30,
    n: 150,
    bound: 0.1234567891234,
    algorithm: 'leximin',
    optimal: false,
    lottery_size: 1000,
  });
  const json = JSON.parse(text);
  assert.deepEqual(Object.keys(json), [
    'algorithm',
    'n',
    'k',
    'min_probability',
    'seconds',
    'random',
    'optimal',
    'bound',
    'lottery_size',
    'lottery_max_deviation',
    'panel',
    'lp_calls',
    'ilp_calls',
    'levels',
  ]);
  assert.equal(json.random, 'c0ffee');
  assert.equal(json.seconds, 12.346);
  assert.equal(json.optimal, false);
  assert.equal(json.bound, 0.1234567891);
  assert.match(text, /"min_probability": 0\.0000001,/);
  assert.doesNotMatch(text, /e-/);
});

test('summary.json with only the required keys, and a dice number for random', () => {
  const json = JSON.parse(
    summaryJson({ algorithm: 'maximin', n: 10, k: 3, min_probability: 0.3, seconds: 1, random: 42 }),
  );
  assert.deepEqual(json, { algorithm: 'maximin', n: 10, k: 3, min_probability: 0.3, seconds: 1, random: 42 });
});
