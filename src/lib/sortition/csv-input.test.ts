import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { checkQuotaArithmetic, parseFeatures, parsePeople, SortitionInputError } from './csv-input.js';
import type { Feature } from './types.js';

// The Sortition Foundation's own synthetic example files (test/fixtures/sortition/README.md).
const fixtures = path.resolve(import.meta.dirname, '../../../test/fixtures/sortition');
const FEATURES = fs.readFileSync(path.join(fixtures, 'features.csv'), 'utf8');
const CANDIDATES = fs.readFileSync(path.join(fixtures, 'candidates.csv'), 'utf8');

/** The messages of the SortitionInputError that `fn` throws. */
function messagesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof SortitionInputError, String(error));
    return error.messages;
  }
  assert.fail('expected a SortitionInputError');
}

const GENDER: Feature[] = [
  {
    name: 'Gender',
    values: [
      { value: 'Female', min: 1, max: 2 },
      { value: 'Male', min: 1, max: 2 },
      { value: 'Non-binary or other', min: 0, max: 1 },
    ],
  },
];

test('reads the Sortition Foundation example features file', () => {
  const features = parseFeatures(FEATURES);
  assert.deepEqual(
    features.map((f) => f.name),
    ['Gender', 'age_bracket', 'edu_level', 'geo_bucket'],
  );
  assert.deepEqual(features[0]?.values, [
    { value: 'Female', min: 11, max: 12 },
    { value: 'Male', min: 10, max: 11 },
    { value: 'Non-binary or other', min: 0, max: 1 },
  ]);
  assert.equal(features[3]?.values.length, 8);
});

test('reads the example people file: ids, canonical values, every column in file order', () => {
  const features = parseFeatures(FEATURES);
  const people = parsePeople(CANDIDATES, features);
  assert.equal(people.length, 150);
  const p0 = people[0];
  assert.equal(p0?.id, 'p0');
  assert.deepEqual(p0?.values, ['Male', '30-44', 'Level 4 and above', 'South Scotland']);
  assert.deepEqual(Object.keys(p0?.columns ?? {}), CANDIDATES.split('\n')[0]?.trim().split(','));
  assert.equal(p0?.columns?.email, 'email0');
  assert.equal(p0?.household, undefined, 'no address columns were given');
});

test('old header names, any case, extra columns, spaces and a byte order mark are all accepted', () => {
  const text =
    '\uFEFFCategory , Category Value,MIN,Max,notes\n' +
    ' Gender , Female ,1,2,anything\n' +
    'Gender,Male, 1 ,2,\n' +
    '\n' +
    'Gender,Non-binary or other,0,1,\n';
  assert.deepEqual(parseFeatures(text), GENDER);
  for (const name of ['name', 'category_value', 'category-value', 'value']) {
    const features = parseFeatures(`feature,${name},min,max\nAge,16-29,0,3\n`);
    assert.deepEqual(features, [{ name: 'Age', values: [{ value: '16-29', min: 0, max: 3 }] }]);
  }
});

test('every problem in a features file is reported at once, each naming its row', () => {
  const text = [
    'feature,value,min,max,min_flex,max_flex',
    'Gender,Female,3,2,,',
    'Gender,Male,1.5,2,,',
    'Gender,Other,-1,2,,',
    'Gender,female,0,1,,',
    'Age,Young,1,2,2,1',
    ',Old,1,2,,',
    'Ward,,1,2,,',
  ].join('\n');
  const messages = messagesOf(() => parseFeatures(text));
  assert.deepEqual(messages, [
    'Row 2: for "Gender" "Female" the min (3) is more than the max (2).',
    'Row 3: "min" is "1.5", which is not a whole number of 0 or more.',
    'Row 4: "min" is "-1", which is not a whole number of 0 or more.',
    'Row 5: "Gender" has the value "female" twice (also on row 2).',
    'Row 6: for "Age" "Young" the min_flex (2) is more than the min (1).',
    'Row 6: for "Age" "Young" the max_flex (1) is less than the max (2).',
    'Row 7: "feature" is blank; say which feature this value belongs to.',
    'Row 8: "value" is blank for the feature "Ward".',
    'The feature "Ward" has no values.',
  ]);
});

test('a features file without its columns, or with one flex column, says what is missing', () => {
  assert.match(
    messagesOf(() => parseFeatures('feature,value,minimum,max\nA,b,1,2\n'))[0] ?? '',
    /^The features file has no "min" column; its first line is: feature,value,minimum,max$/,
  );
  assert.deepEqual(
    messagesOf(() => parseFeatures('feature,value,min,max,min_flex\nA,b,1,2,0\n')),
    ['The features file has a "min_flex" column but no "max_flex" column; give both or neither.'],
  );
  assert.deepEqual(
    messagesOf(() => parseFeatures('')),
    ['The features file is empty.'],
  );
  assert.deepEqual(
    messagesOf(() => parseFeatures('feature,value,min,max\n')),
    ['The features file lists no features.'],
  );
});

test('people values are matched ignoring case and spaces and stored as the features file spells them', () => {
  const people = parsePeople('ID,gender,name\n a1 , FEMALE ,Ann\na2,non-binary OR other,Bo\n', GENDER);
  assert.deepEqual(
    people.map((p) => [p.id, p.values[0]]),
    [
      ['a1', 'Female'],
      ['a2', 'Non-binary or other'],
    ],
  );
  assert.deepEqual(people[0]?.columns, { ID: 'a1', gender: 'FEMALE', name: 'Ann' });
});

test('the id column: as given, else id, else nationbuilder_id', () => {
  const text = 'nationbuilder_id,id,ref,Gender\nn1,i1,r1,Male\n';
  assert.equal(parsePeople(text, GENDER)[0]?.id, 'i1');
  assert.equal(parsePeople(text, GENDER, { idColumn: 'REF' })[0]?.id, 'r1');
  assert.equal(parsePeople('nationbuilder_id,Gender\nn1,Male\n', GENDER)[0]?.id, 'n1');
  assert.deepEqual(
    messagesOf(() => parsePeople(text, GENDER, { idColumn: 'person' })),
    ['The people file has no "person" column to take the ids from.'],
  );
  assert.deepEqual(
    messagesOf(() => parsePeople('ref,Gender\nr1,Male\n', GENDER)),
    ['The people file has no "id" or "nationbuilder_id" column; say which column holds the ids.'],
  );
});

test('every problem in a people file is reported at once, each naming its row and column', () => {
  const text = [
    'id,Gender,Age',
    'a,Female,Young',
    'b,Femal,Young',
    'a,Male,Old',
    'c,,Old',
    'd,Male,Ancient',
  ].join('\n');
  const features: Feature[] = [
    ...GENDER,
    {
      name: 'Age',
      values: [
        { value: 'Young', min: 0, max: 2 },
        { value: 'Old', min: 0, max: 2 },
      ],
    },
  ];
  assert.deepEqual(
    messagesOf(() => parsePeople(text, features)),
    [
      'Row 3: "Gender" is "Femal", which is not one of Female, Male or Non-binary or other',
      'Row 4: the id "a" is used again (first on row 2).',
      'Row 5: "Gender" is blank; it must be one of Female, Male or Non-binary or other',
      'Row 6: "Age" is "Ancient", which is not one of Young or Old',
    ],
  );
  assert.deepEqual(
    messagesOf(() => parsePeople('id,Sex\na,Male\n', features)),
    [
      'The people file has no "Gender" column (a feature in the features file).',
      'The people file has no "Age" column (a feature in the features file).',
    ],
  );
});

test('row numbers are file lines, counting blank lines and cells that span lines', () => {
  const text = 'id,Gender,note\n\na,Male,"two\nlines"\nb,Mal,\n';
  assert.deepEqual(
    messagesOf(() => parsePeople(text, GENDER)),
    ['Row 5: "Gender" is "Mal", which is not one of Female, Male or Non-binary or other'],
  );
});

test('a row with a blank id is skipped with a warning, not refused', () => {
  const warnings: string[] = [];
  const people = parsePeople('id,Gender\na,Male\n ,Female\nb,Female\n', GENDER, {
    onWarning: (w) => warnings.push(w),
  });
  assert.deepEqual(
    people.map((p) => p.id),
    ['a', 'b'],
  );
  assert.deepEqual(warnings, ['Row 3: the "id" is blank, so this row was skipped.']);
});

test('households join the address columns, ignoring case and spaces; a blank address is no household', () => {
  const text = [
    'id,Gender,Street,Postcode',
    'a,Male,1 High St,M1 1AA',
    'b,Female, 1 HIGH ST ,m1 1aa',
    'c,Female,1 High St,M1 1AB',
    'd,Male,,',
    'e,Female,,',
  ].join('\n');
  const people = parsePeople(text, GENDER, { addressColumns: ['street', 'POSTCODE'] });
  const [a, b, c, d, e] = people;
  assert.ok(a?.household);
  assert.equal(a?.household, b?.household);
  assert.notEqual(a?.household, c?.household);
  assert.equal(d?.household, undefined);
  assert.equal(e?.household, undefined);
  assert.deepEqual(
    messagesOf(() => parsePeople(text, GENDER, { addressColumns: ['street', 'flat'] })),
    ['The people file has no "flat" column (given as an address column).'],
  );
});

test('the example pool has households when its address columns are given', () => {
  const features = parseFeatures(FEATURES);
  const people = parsePeople(CANDIDATES, features, { addressColumns: ['primary_address1', 'primary_zip'] });
  assert.ok(people.every((p) => p.household));
  // Every synthetic address is different, so no two people share a household.
  assert.equal(new Set(people.map((p) => p.household)).size, people.length);
});

test('quota arithmetic: the example quotas fit a panel of 22 and not of 30', () => {
  const features = parseFeatures(FEATURES);
  const people = parsePeople(CANDIDATES, features);
  assert.deepEqual(checkQuotaArithmetic(features, people, 22), []);
  assert.deepEqual(checkQuotaArithmetic(features, people, 30), [
    '"Gender": the maximums add up to 24, fewer than the panel size of 30.',
    '"age_bracket": the maximums add up to 26, fewer than the panel size of 30.',
    '"edu_level": the maximums add up to 26, fewer than the panel size of 30.',
  ]);
  assert.deepEqual(checkQuotaArithmetic(features, people, 20), [
    '"Gender": the minimums add up to 21, more than the panel size of 20.',
    '"geo_bucket": the minimums add up to 22, more than the panel size of 20.',
  ]);
});

test('quota arithmetic: too few respondents with a value, or in the pool', () => {
  const features: Feature[] = [
    {
      name: 'Gender',
      values: [
        { value: 'Female', min: 2, max: 2 },
        { value: 'Male', min: 1, max: 2 },
        { value: 'Non-binary or other', min: 1, max: 1 },
      ],
    },
  ];
  const people = parsePeople('id,Gender\na,Male\nb,Female\nc,Male\n', features);
  assert.deepEqual(checkQuotaArithmetic(features, people, 4), [
    'The panel needs 4 people but only 3 are in the pool.',
    '"Gender" "Female": the panel needs at least 2 but only 1 respondent has it.',
    '"Gender" "Non-binary or other": the panel needs at least 1 but only 0 respondents have it.',
  ]);
  // Within the maximums only one woman and two men can be found, not a panel of 4 from 5 people.
  const more = [...people, { id: 'd', values: ['Male'] }, { id: 'e', values: ['Male'] }];
  const loose: Feature[] = [
    {
      name: 'Gender',
      values: [
        { value: 'Female', min: 0, max: 2 },
        { value: 'Male', min: 0, max: 2 },
        { value: 'Non-binary or other', min: 0, max: 1 },
      ],
    },
  ];
  assert.deepEqual(checkQuotaArithmetic(loose, more, 4), [
    '"Gender": at most 3 panel members can be found within its maximums from the respondents there are, fewer than the panel size of 4.',
  ]);
});

test('property: quota arithmetic finds no problem when a panel meeting every quota exists', () => {
  // Build a pool and quotas from a panel that is known to meet them; arithmetic must agree.
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })), {
        minLength: 1,
        maxLength: 30,
      }),
      fc.integer({ min: 1, max: 30 }),
      fc.integer({ min: 0, max: 3 }),
      (rows, kWanted, slack) => {
        const k = Math.min(kWanted, rows.length);
        const names = ['x', 'y', 'z'];
        const people = rows.map(([a, b], i) => ({ id: `p${i}`, values: [names[a], names[b]] as string[] }));
        const panel = people.slice(0, k);
        const features: Feature[] = [0, 1].map((f) => ({
          name: `F${f}`,
          values: names.map((value) => {
            const count = panel.filter((p) => p.values[f] === value).length;
            return { value, min: Math.max(0, count - slack), max: count + slack };
          }),
        }));
        assert.deepEqual(checkQuotaArithmetic(features, people, k), []);
      },
    ),
  );
});

test('text that is not CSV at all gets one plain message, not a crash', () => {
  const [message] = messagesOf(() => parseFeatures('feature,value,min,max\n"Gender,Female,1,2\n'));
  assert.match(message ?? '', /^The file could not be read as CSV: .*[Qq]uote/);
});
