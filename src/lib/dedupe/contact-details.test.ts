import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  isSharedHost,
  normaliseEmail,
  normalisePhone,
  normalisePostcode,
  normaliseWebsite,
  websiteHost,
} from './contact-details.js';

test('UK phone numbers in any common format give the national significant number', () => {
  const cases: [string, string][] = [
    ['0161 980 6090', '1619806090'],
    ['01619806090', '1619806090'],
    ['(0161) 980-6090', '1619806090'],
    ['+44 161 980 6090', '1619806090'],
    ['+44 (0)161 980 6090', '1619806090'],
    ['+44 0161 980 6090', '1619806090'],
    ['0044 161 980 6090', '1619806090'],
    ['441619806090', '1619806090'],
    ['0161.980.6090', '1619806090'],
    ['Tel: 0161 980 6090', '1619806090'],
    ['0161 980 6090 ext. 214', '1619806090'],
    ['0161 980 6090 x214', '1619806090'],
    ['07700 900123', '7700900123'],
    ['0800 123 456', '800123456'],
    ['016977 3456', '169773456'],
    ['0161 980 6090 or 07700 900123', '1619806090'],
    ['n/a, 07700 900123', '7700900123'],
    ['1619806090', '1619806090'],
  ];
  for (const [raw, expected] of cases) assert.equal(normalisePhone(raw), expected, raw);
});

test('junk, foreign and incomplete phone numbers give null', () => {
  for (const raw of [
    '',
    'n/a',
    'TBC',
    '0000 000000',
    '01234 567890',
    '912 1212',
    '0161 980 60',
    '0161 980 60900 1',
    '+33 1 23 45 67 89',
    '0161 FLOWERS',
    '0461 980 6090',
    'ring the hall',
    null,
    undefined,
  ]) {
    assert.equal(normalisePhone(raw), null, String(raw));
  }
});

test('email addresses are lower-cased but keep dots and plus tags', () => {
  assert.equal(normaliseEmail(' Info@SaleHarriers.org.uk '), 'info@saleharriers.org.uk');
  assert.equal(normaliseEmail('mailto:info@saleharriers.org.uk'), 'info@saleharriers.org.uk');
  assert.equal(normaliseEmail('Sale Harriers <Info@SaleHarriers.org.uk>'), 'info@saleharriers.org.uk');
  assert.equal(normaliseEmail('john.smith+club@gmail.com'), 'john.smith+club@gmail.com');
  assert.notEqual(normaliseEmail('john.smith@example.org'), normaliseEmail('johnsmith@example.org'));
  assert.equal(normaliseEmail('n/a; hello@sale-knit.org.uk'), 'hello@sale-knit.org.uk');
  for (const junk of [
    '',
    'n/a',
    'info@',
    '@example.org',
    'info@localhost',
    'info at example dot org',
    'NA',
    null,
  ]) {
    assert.equal(normaliseEmail(junk), null, String(junk));
  }
});

test('websites lose scheme, www, trailing slash, index page, query and fragment', () => {
  const cases: [string, string][] = [
    ['https://www.SaleHarriers.org.uk/', 'saleharriers.org.uk'],
    ['http://saleharriers.org.uk', 'saleharriers.org.uk'],
    ['saleharriers.org.uk/', 'saleharriers.org.uk'],
    ['www.saleharriers.org.uk/juniors/index.html?utm_source=x#top', 'saleharriers.org.uk/juniors'],
    ['https://m.facebook.com/SaleHarriers/?ref=page_internal', 'facebook.com/saleharriers'],
    ['fb.com/saleharriers', 'facebook.com/saleharriers'],
    ['https://twitter.com/SaleHarriers', 'x.com/saleharriers'],
    ['https://www.facebook.com/profile.php?id=100064&sk=about', 'facebook.com/profile.php?id=100064'],
    [
      'https://www.trafford.gov.uk/residents/adult-social-care/',
      'trafford.gov.uk/residents/adult-social-care',
    ],
  ];
  for (const [raw, expected] of cases) assert.equal(normaliseWebsite(raw), expected, raw);
  for (const junk of [
    '',
    'n/a',
    'NA',
    'none',
    'ftp://example.org',
    'mailto:info@example.org',
    'info@example.org',
    'http://localhost/',
    'see leaflet',
    '192.168.0.1',
  ]) {
    assert.equal(normaliseWebsite(junk), null, junk);
  }
});

test('social networks and public-sector sites are shared hosts; a group’s own domain is not', () => {
  assert.ok(isSharedHost('facebook.com'));
  assert.ok(isSharedHost('trafford.gov.uk'));
  assert.ok(isSharedHost('mft.nhs.uk'));
  assert.ok(!isSharedHost('saleharriers.org.uk'));
  assert.equal(websiteHost('facebook.com/saleharriers'), 'facebook.com');
  assert.equal(websiteHost('saleharriers.org.uk'), 'saleharriers.org.uk');
});

test('postcodes are upper-cased with one space, and only valid shapes pass', () => {
  const cases: [string, string][] = [
    [' m33  7wr', 'M33 7WR'],
    ['WA158EW', 'WA15 8EW'],
    ['m1 1aa', 'M1 1AA'],
    ['EC1A 1BB', 'EC1A 1BB'],
    ['W1A 0AX', 'W1A 0AX'],
    ['gir 0aa', 'GIR 0AA'],
  ];
  for (const [raw, expected] of cases) assert.equal(normalisePostcode(raw), expected, raw);
  for (const junk of [
    '',
    'M33',
    '7WR',
    'QA1 1AA',
    'M33 7CR',
    'M33 7W',
    'M33 77R',
    'n/a',
    'M3 3 7WR X',
    null,
  ]) {
    assert.equal(normalisePostcode(junk), null, String(junk));
  }
});

test('contact normalisers are idempotent', () => {
  const phoneish = fc
    .array(fc.constantFrom(...'0123456789 +()-.x'.split(''), 'ext', '44', '0161', '07700'), { maxLength: 20 })
    .map((parts) => parts.join(''));
  const webish = fc
    .array(
      fc.constantFrom(
        'www.',
        'm.',
        'https://',
        'a',
        'B',
        '.',
        '/',
        'index.html',
        '?id=1',
        '#',
        'é',
        '%2F',
        'co.uk',
        'facebook.com',
        'profile.php',
      ),
      { maxLength: 12 },
    )
    .map((parts) => parts.join(''));
  const anything = fc.string({ unit: 'grapheme', maxLength: 30 });
  const check = (normalise: (raw: string) => string | null, raw: string) => {
    const once = normalise(raw);
    if (once !== null) assert.equal(normalise(once), once, raw);
  };
  fc.assert(
    fc.property(fc.oneof(phoneish, webish, anything, fc.emailAddress(), fc.webUrl()), (raw) => {
      check(normalisePhone, raw);
      check(normaliseEmail, raw);
      check(normaliseWebsite, raw);
      check(normalisePostcode, raw);
    }),
    { numRuns: 3000 },
  );
});
