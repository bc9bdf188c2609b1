import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CODE_ALPHABET, CODE_LENGTH, formatCode, newCode, readCode } from './codes.js';
import {
  ageBandOf,
  ageOn,
  eligibilityDay,
  identityHash,
  normaliseName,
  normalisePostcode,
  readDateOfBirth,
} from './identity.js';

const SECRET = 'test-secret-that-is-at-least-32-characters-long';
const PROCESS = '00000000-0000-4000-8000-000000000001';

// Names as people write them: Latin letters, some accented, spaces, apostrophes and hyphens.
const LETTERS = [...'abcdefghijklmnopqrstuvwxyzéèêëáàâäóòôöúùûüíìîïçñ'];
const word = fc.array(fc.constantFrom(...LETTERS), { minLength: 1, maxLength: 10 }).map((a) => a.join(''));
const name = fc.array(word, { minLength: 1, maxLength: 4 }).map((w) => w.join(' '));
const postcode = fc.constantFrom('M33 7ZP', 'WA14 1EP', 'M41 0NA', 'SW1A 1AA', 'M16 0RA');
const date = fc
  .date({ min: new Date('1920-01-01T00:00:00Z'), max: new Date('2010-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

const stripAccents = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '');
const randomCase = (s: string, flips: boolean[]) =>
  [...s].map((ch, i) => (flips[i % flips.length] ? ch.toUpperCase() : ch.toLowerCase())).join('');

test('the same person typed with other case, spacing and accents has the same identity hash', () => {
  fc.assert(
    fc.property(
      name,
      postcode,
      date,
      fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
      fc.integer({ min: 1, max: 3 }),
      (n, pc, dob, flips, spaces) => {
        const typed = {
          name: `  ${stripAccents(randomCase(n, flips)).split(' ').join(' '.repeat(spaces))} `,
          postcode: randomCase(pc.replace(' ', ''), flips),
          dateOfBirth: dob,
        };
        const original = { name: n, postcode: pc, dateOfBirth: dob };
        assert.equal(identityHash(SECRET, PROCESS, typed), identityHash(SECRET, PROCESS, original));
      },
    ),
  );
});

test('different dates of birth, names or processes give different hashes', () => {
  fc.assert(
    fc.property(name, postcode, date, date, (n, pc, a, b) => {
      fc.pre(a !== b);
      assert.notEqual(
        identityHash(SECRET, PROCESS, { name: n, postcode: pc, dateOfBirth: a }),
        identityHash(SECRET, PROCESS, { name: n, postcode: pc, dateOfBirth: b }),
      );
    }),
  );
  const person = { name: 'Ann Jones', postcode: 'M33 7ZP', dateOfBirth: '1980-02-03' };
  assert.notEqual(
    identityHash(SECRET, PROCESS, person),
    identityHash(SECRET, PROCESS, { ...person, name: 'Anne Jones' }),
  );
  assert.notEqual(
    identityHash(SECRET, PROCESS, person),
    identityHash(SECRET, '00000000-0000-4000-8000-000000000002', person),
  );
  assert.notEqual(identityHash(SECRET, PROCESS, person), identityHash(`${SECRET}x`, PROCESS, person));
  assert.match(identityHash(SECRET, PROCESS, person), /^[0-9a-f]{64}$/);
});

test('names lose accents, case, punctuation and extra spaces; hyphens read as spaces', () => {
  assert.equal(normaliseName("  Siân  O'Brien-Smyth "), 'sian obrien smyth');
  assert.equal(normaliseName('SIAN OBRIEN SMYTH'), 'sian obrien smyth');
  assert.equal(normaliseName('Zoë Łukasz Straße'), 'zoe lukasz strasse');
  assert.equal(normaliseName('Dr. J. R. Hartley'), 'dr j r hartley');
  assert.equal(normaliseName('ﬁona'), 'fiona');
  assert.equal(normalisePostcode(' m33  7zp '), 'M337ZP');
});

test('dates of birth are read as DD/MM/YYYY or YYYY-MM-DD, and must be real', () => {
  assert.equal(readDateOfBirth('03/02/1980'), '1980-02-03');
  assert.equal(readDateOfBirth('3/2/1980'), '1980-02-03');
  assert.equal(readDateOfBirth('1980-02-03'), '1980-02-03');
  assert.equal(readDateOfBirth('30/02/1980'), null);
  assert.equal(readDateOfBirth('1980/02/03'), null);
  assert.equal(readDateOfBirth('02-1980'), null);
  assert.equal(readDateOfBirth(''), null);
});

test('age is whole years on the day, and the band follows it', () => {
  assert.equal(ageOn('2010-06-15', '2026-06-14'), 15);
  assert.equal(ageOn('2010-06-15', '2026-06-15'), 16);
  assert.equal(ageOn('2008-02-29', '2026-02-28'), 17);
  assert.equal(ageBandOf(15), null);
  assert.equal(ageBandOf(16), '16-24');
  assert.equal(ageBandOf(24), '16-24');
  assert.equal(ageBandOf(25), '25-34');
  assert.equal(ageBandOf(74), '65-74');
  assert.equal(ageBandOf(75), '75+');
  assert.equal(ageBandOf(103), '75+');
  // The last day of voting, in London, when the process has one (closing is the next midnight).
  assert.equal(eligibilityDay(new Date('2026-06-30T23:00:00Z')), '2026-06-30');
  assert.equal(eligibilityDay(null, new Date('2026-01-10T12:00:00Z')), '2026-01-10');
});

test('codes are 12 characters from an alphabet without look-alikes, shown in fours', () => {
  for (const ch of '0O1IL2Z5S8BUVQD') assert.ok(!CODE_ALPHABET.includes(ch), ch);
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const code = newCode();
    assert.match(code, /^[A-Z0-9]{12}$/);
    for (const ch of code) assert.ok(CODE_ALPHABET.includes(ch));
    seen.add(code);
  }
  assert.equal(seen.size, 2000);
  assert.equal(formatCode('7KXM3FRA9HCT'), '7KXM-3FRA-9HCT');
  assert.equal(CODE_LENGTH, 12);
});

test('a code is read with spaces, dashes and lower case; anything else is not a code', () => {
  fc.assert(
    fc.property(
      fc.constant(null).map(newCode),
      fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
      (code, flips) => {
        const typed = ` ${randomCase(formatCode(code), flips).replace(/-/g, (d) => (flips[0] ? ' ' : d))} `;
        assert.equal(readCode(typed), code);
      },
    ),
  );
  assert.equal(readCode('7kxm 3fra 9hct'), '7KXM3FRA9HCT');
  assert.equal(readCode('7KXM-3FRA-9HC'), null);
  assert.equal(readCode('7KXM-3FRA-9HCTT'), null);
  assert.equal(readCode('0KXM-3FRA-9HCT'), null);
});
