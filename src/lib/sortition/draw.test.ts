import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { drawIndex } from './draw.js';

/** The rule written out byte by byte: the hash read as a base-256 number, most significant first. */
function expectedFromSeed(seed: string, m: number): number {
  const bytes = createHash('sha256').update(Buffer.from(seed, 'utf8')).digest();
  let value = 0n;
  for (const byte of bytes) value = value * 256n + BigInt(byte);
  return Number(value % BigInt(m));
}

test('a rolled number is the panel number itself, from 0 to m − 1', () => {
  assert.equal(drawIndex(1000, { kind: 'number', value: 0 }), 0);
  assert.equal(drawIndex(1000, { kind: 'number', value: 417 }), 417);
  assert.equal(drawIndex(1000, { kind: 'number', value: 999 }), 999);
  assert.equal(drawIndex(1, { kind: 'number', value: 0 }), 0);
});

test('a rolled number outside 0 to m − 1, or not whole, is refused with a plain message', () => {
  const message = /The random number must be a whole number from 0 to 999/;
  assert.throws(() => drawIndex(1000, { kind: 'number', value: 1000 }), message);
  assert.throws(() => drawIndex(1000, { kind: 'number', value: -1 }), message);
  assert.throws(() => drawIndex(1000, { kind: 'number', value: 2.5 }), message);
  assert.throws(() => drawIndex(1000, { kind: 'number', value: Number.NaN }), message);
  assert.throws(() => drawIndex(7, { kind: 'number', value: 7 }), /from 0 to 6/);
});

test('a seed picks SHA-256 of its UTF-8 bytes, big-endian, mod m', () => {
  // The published FIPS 180-2 test vector: SHA-256("abc").
  const abc = BigInt('0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(drawIndex(1000, { kind: 'seed', value: 'abc' }), Number(abc % 1000n));
  assert.equal(drawIndex(7, { kind: 'seed', value: 'abc' }), Number(abc % 7n));
  // Non-ASCII text is hashed as UTF-8 (a Python check would use seed.encode()).
  for (const seed of ['Lottery 2026-03-14 FTSE close 7712.3', 'Ynys Môn – ballot', '抽選', '🎲']) {
    for (const m of [1, 2, 10, 997, 1000, 123456]) {
      assert.equal(
        drawIndex(m, { kind: 'seed', value: seed }),
        expectedFromSeed(seed, m),
        `${seed} mod ${m}`,
      );
    }
  }
});

test('seeds spread over every panel number', () => {
  const seen = new Set<number>();
  for (let i = 0; i < 500; i++) seen.add(drawIndex(10, { kind: 'seed', value: `seed ${i}` }));
  assert.equal(seen.size, 10);
});

test('an empty or blank seed, or a lottery with no panels, is refused', () => {
  assert.throws(() => drawIndex(1000, { kind: 'seed', value: '' }), /The seed must not be empty/);
  assert.throws(() => drawIndex(1000, { kind: 'seed', value: '   ' }), /The seed must not be empty/);
  assert.throws(() => drawIndex(0, { kind: 'number', value: 0 }), /at least one panel/);
  assert.throws(() => drawIndex(0, { kind: 'seed', value: 'abc' }), /at least one panel/);
});
