import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { nameTokens, normaliseName } from './names.js';

test('spelling variants of one name normalise to the same key', () => {
  const same: [string, string][] = [
    ["St Mary's Church", 'Saint Marys Church'],
    ['St. Mary’s Church', 'ST MARYS CHURCH'],
    ['Altrincham & District Athletic Club', 'Altrincham and District AC'],
    ['The Hale and District Hebrew Congregation', 'HALE & DISTRICT HEBREW CONGREGATION'],
    ['Stretford Church Hall and Institute Limited', 'Stretford Church Hall & Institute'],
    ['Pakistani Resource Centre Ltd', 'Pakistani Resource Center'],
    ['Sale Harriers', 'Sale Harrier'],
    ["Children's Centre, Partington", 'Childrens Centre Partington'],
    ['Café Ŵyn', 'CAFE WYN'],
    ['1st Sale Scouts', 'First Sale Scouts'],
    ['Altrincham Kersal R.F.C.', 'Altrincham Kersal Rugby Football Club'],
    ['Sale United FC', 'Sale Utd Football Club'],
    ['Trafford Community Leisure Trust CIC', 'Trafford Community Leisure Trust'],
    ['Bluebell Café Community Interest Company', 'Bluebell Cafe'],
  ];
  for (const [a, b] of same) assert.equal(normaliseName(a), normaliseName(b), `${a} / ${b}`);
});

test('names that mean different groups keep their differences', () => {
  const different: [string, string][] = [
    ['Sale Sharks', 'Sale Harriers'],
    ['1st Sale Scouts', '2nd Sale Scouts'],
    ['Sale Methodist Church', 'Urmston Methodist Church'],
    ['Altrincham Judo Club', 'Altrincham Judo'],
    ['Sale Club', 'Sale'],
    ['Age UK Trafford', 'Age UK Salford'],
  ];
  for (const [a, b] of different) assert.notEqual(normaliseName(a), normaliseName(b), `${a} / ${b}`);
});

test('"St" is Saint in a name except as its last word', () => {
  assert.deepEqual(nameTokens('St John Ambulance'), ['saint', 'john', 'ambulance']);
  assert.deepEqual(nameTokens('Church of St Michael'), ['church', 'saint', 'michael']);
  assert.deepEqual(nameTokens('Traders of Market St'), ['trader', 'market', 'street']);
});

test('legal forms go only from the end, and never the whole name', () => {
  assert.equal(
    normaliseName('The Herbert Whitworth Limited Scholarship Fund'),
    'herbert whitworth limited scholarship fund',
  );
  assert.equal(normaliseName('Mountlands Trust Limited by Guarantee'), 'mountland trust');
  assert.equal(normaliseName('Ltd'), 'limited');
  assert.equal(normaliseName('Acme CIC Ltd'), 'acme');
});

test('stop words go, unless the name is nothing else', () => {
  assert.equal(normaliseName('The Friends of the Earth'), 'friend earth');
  assert.equal(normaliseName('The The'), 'the the');
});

test('names in other scripts are kept, not erased', () => {
  assert.equal(normaliseName('مسجد السلام'), 'مسجد السلام');
  assert.notEqual(normaliseName('مسجد السلام'), normaliseName('مسجد النور'));
  assert.equal(normaliseName('  ***  '), '');
});

test('words that are also JavaScript property names are just words', () => {
  assert.equal(normaliseName('The Constructor Club'), 'constructor club');
  assert.equal(normaliseName('toString __proto__ valueOf'), 'tostring proto valueof');
});

test('words ending -ss, -is and -us keep their s', () => {
  assert.deepEqual(nameTokens('Fitness Tennis Campus'), ['fitness', 'tennis', 'campus']);
});

test('normaliseName is idempotent', () => {
  const words = fc.constantFrom(
    'St',
    'St.',
    "Mary's",
    'the',
    'The',
    '&',
    'and',
    'Ltd',
    'Limited',
    'CIC',
    'by',
    'guarantee',
    'Club',
    'AC',
    'FC',
    '1st',
    'first',
    'R.F.C.',
    'Harriers',
    'Sale',
    'Café',
    'İstanbul',
    'Center',
    'ß',
    'ﬁsh',
    'of',
    'constructor',
    '__proto__',
  );
  fc.assert(
    fc.property(
      fc.array(fc.oneof(words, fc.string({ unit: 'grapheme', maxLength: 8 })), { maxLength: 8 }),
      (parts) => {
        const once = normaliseName(parts.join(' '));
        assert.equal(normaliseName(once), once);
      },
    ),
    { numRuns: 2000 },
  );
});
