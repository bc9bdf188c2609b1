import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { addressTokens, normaliseAddress } from './addresses.js';

test('common abbreviations expand, so written-out and abbreviated addresses agree', () => {
  const same: [string, string][] = [
    ['10 Danefield Rd, Sale', '10 Danefield Road, Sale'],
    ['3 Park Ave., Hale', '3 Park Avenue, Hale'],
    ['Flat 2, 10 St John’s Rd, Sale', 'Flat 2, 10 Saint Johns Road, Sale'],
    ['25 Market St, Altrincham', '25 Market Street, Altrincham'],
    ['4 Oak Gdns, Urmston, UK', '4 Oak Gardens, Urmston'],
    ['Unit 5, Trafford Pk', 'UNIT 5, TRAFFORD PARK'],
    ['1st Floor, 7 Kingsway Dr', 'First Floor, 7 Kingsway Drive'],
  ];
  for (const [a, b] of same) assert.equal(normaliseAddress(a), normaliseAddress(b), `${a} / ${b}`);
});

test('a postcode and the country are dropped from the address', () => {
  assert.equal(normaliseAddress('Oakfield Road, Altrincham WA15 8EW'), 'oakfield road altrincham');
  assert.equal(
    normaliseAddress('Oakfield Road, Altrincham, WA158EW, United Kingdom'),
    'oakfield road altrincham',
  );
  assert.equal(normaliseAddress('12 Church Road, Sale, England'), '12 church road sale');
});

test('"St" becomes Street or Saint only where that is clear', () => {
  assert.deepEqual(addressTokens('Market St, Altrincham'), ['market', 'street', 'altrincham']);
  assert.deepEqual(addressTokens('St Mary’s Road, Bowdon'), ['saint', 'mary', 'road', 'bowdon']);
  assert.deepEqual(addressTokens('12 St Mary’s Road'), ['12', 'saint', 'mary', 'road']);
  // "Church St Altrincham" could be either without a comma: left alone.
  assert.deepEqual(addressTokens('12 Church St Altrincham'), ['12', 'church', 'st', 'altrincham']);
});

test('words that are also JavaScript property names are just words', () => {
  assert.equal(normaliseAddress('1 Constructor Way, toString'), '1 constructor way tostring');
});

test('flat, unit and house numbers are kept', () => {
  assert.notEqual(normaliseAddress('Flat 2, 10 High Street'), normaliseAddress('Flat 3, 10 High Street'));
  assert.notEqual(
    normaliseAddress('Unit 4, Ashburton Road West'),
    normaliseAddress('Unit 5, Ashburton Road West'),
  );
  assert.deepEqual(addressTokens('10a Derbyshire Lane'), ['10a', 'derbyshire', 'lane']);
});

test('"Dr" is Drive only at the end of a street name', () => {
  assert.deepEqual(addressTokens('Dr Kershaw’s Surgery, 5 Moss Dr'), [
    'dr',
    'kershaw',
    'surgery',
    '5',
    'moss',
    'drive',
  ]);
});

test('normaliseAddress is idempotent', () => {
  const words = fc.constantFrom(
    'St',
    'st',
    'Dr',
    'Rd',
    ',',
    ', ',
    '10',
    '1st',
    'Flat',
    'M33',
    '7WR',
    'M337WR',
    'UK',
    'United',
    'Kingdom',
    'Gdns',
    'Gardens',
    'Johns',
    'Mary’s',
    'Sale',
    '\n',
  );
  fc.assert(
    fc.property(
      fc.array(fc.oneof(words, fc.string({ unit: 'grapheme', maxLength: 6 })), { maxLength: 10 }),
      (parts) => {
        const once = normaliseAddress(parts.join(' '));
        assert.equal(normaliseAddress(once), once);
      },
    ),
    { numRuns: 3000 },
  );
});
