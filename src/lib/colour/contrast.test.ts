import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { contrastRatio, isUsableBrandColour, parseHexColour } from './contrast.js';

test('black on white is 21:1 and a colour against itself is 1:1', () => {
  assert.equal(contrastRatio('#000000', '#ffffff'), 21);
  assert.equal(contrastRatio('#1d4f91', '#1d4f91'), 1);
});

test('matches published WCAG figures for GOV.UK colours', () => {
  // GOV.UK blue #1d70b8 on white is documented as 5.17:1.
  assert.equal(Math.round(contrastRatio('#1d70b8', '#ffffff') * 100) / 100, 5.17);
  // #767676 is the lightest grey that passes 4.5:1 on white; #777777 fails.
  assert.ok(contrastRatio('#767676', '#ffffff') >= 4.5);
  assert.ok(contrastRatio('#777777', '#ffffff') < 4.5);
});

test('brand colours must carry white text at AA', () => {
  assert.equal(isUsableBrandColour('#00625e'), true);
  assert.equal(isUsableBrandColour('#ffdd00'), false);
  assert.equal(isUsableBrandColour('#FFFFFF'), false);
  assert.equal(isUsableBrandColour('red'), false);
});

test('contrast is symmetric and between 1 and 21 for any pair', () => {
  const hex = fc
    .tuple(
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 0, max: 255 }),
    )
    .map((rgb) => `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`);
  fc.assert(
    fc.property(hex, hex, (a, b) => {
      const r = contrastRatio(a, b);
      assert.equal(r, contrastRatio(b, a));
      assert.ok(r >= 1 && r <= 21);
    }),
  );
});

test('rejects malformed colours clearly', () => {
  assert.throws(() => parseHexColour('#12345'), /Not a #rrggbb colour/);
});
