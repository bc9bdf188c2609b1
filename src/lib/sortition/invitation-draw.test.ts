import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { addressKey, drawInvitations, drawScore, listFingerprint, normaliseSeed } from './invitation-draw.js';

type Address = { address: string; postcode: string };
const keyOf = (a: Address) => addressKey(a.address, a.postcode);

/** A list of addresses with distinct keys (as an upload is once duplicates are refused). */
const addressList = fc
  .uniqueArray(
    fc.record({
      address: fc.string({ minLength: 1, maxLength: 30 }),
      postcode: fc.stringMatching(/^[A-Z]{1,2}[0-9]{1,2} [0-9][A-Z]{2}$/),
    }),
    { selector: keyOf, maxLength: 60 },
  )
  .filter((list) => list.every((a) => a.address.trim().length > 0));

test('the key is the address and postcode written one way: spaces, case and Unicode forms do not matter', () => {
  assert.equal(addressKey('  1  Church\tRoad,\nSale ', 'm33  7zp'), '1 CHURCH ROAD, SALE|M337ZP');
  // NFKC: a full-width digit and a ligature read as their plain forms; a non-breaking space as a space.
  assert.equal(addressKey('１ Church\u00a0Road', 'M33 7ZP'), '1 CHURCH ROAD|M337ZP');
  assert.equal(addressKey('Flat ﬁve', 'M33 7ZP'), 'FLAT FIVE|M337ZP');
  assert.equal(normaliseSeed('  dice 3 1 4 \n'), 'dice 3 1 4');
});

test('the score is SHA-256 of "seed:key", as computed independently (Python hashlib)', () => {
  // python3 -c "import hashlib; print(hashlib.sha256('dice 3 1 4 1 5 9:1 CHURCH ROAD, SALE|M337ZP'.encode()).hexdigest())"
  const expected = 'a093421f22db7f632c98da8de5ea99a995cb425c7320ab88e752f6b7e19db6e2';
  const key = addressKey('1 Church Road, Sale', 'M33 7ZP');
  assert.equal(drawScore('dice 3 1 4 1 5 9', key), expected);
  assert.equal(drawScore('  dice 3 1 4 1 5 9  ', key), expected, 'the seed is trimmed');
  assert.equal(
    createHash('sha256').update('dice 3 1 4 1 5 9:1 CHURCH ROAD, SALE|M337ZP').digest('hex'),
    expected,
  );
  // python3 -c "import hashlib; print(hashlib.sha256('\n'.join(sorted(['B|X','A|Y'])).encode()).hexdigest())"
  assert.equal(
    listFingerprint(['B|X', 'A|Y']),
    '5d16294d527bd8c4aa1e3391bd9797ad55b17dcbd191d1f3124058a16f00b6a4',
  );
});

test('a small draw by hand: the addresses with the lowest scores are drawn, lowest first', () => {
  const list = ['1 A Street', '2 A Street', '3 A Street', '4 A Street', '5 A Street'].map((address) => ({
    address,
    postcode: 'M1 1AA',
  }));
  const byScore = list
    .map((a) => ({
      a: a.address,
      s: createHash('sha256')
        .update(`seed:${keyOf(a)}`)
        .digest('hex'),
    }))
    .sort((x, y) => (x.s < y.s ? -1 : 1))
    .map((x) => x.a);
  const drawn = drawInvitations(list, keyOf, 'seed', 2);
  assert.deepEqual(
    drawn.map((d) => d.item.address),
    byScore.slice(0, 2),
  );
  assert.deepEqual(
    drawn.map((d) => d.rank),
    [1, 2],
  );
});

test('the same seed draws the same addresses whatever order the list is in', () => {
  fc.assert(
    fc.property(
      addressList,
      fc.string({ maxLength: 20 }),
      fc.nat(70),
      fc.infiniteStream(fc.nat()),
      (list, seed, n, shuffle) => {
        const shuffled = list
          .map((a) => ({ a, k: shuffle.next().value }))
          .sort((x, y) => x.k - y.k)
          .map((x) => x.a);
        const one = drawInvitations(list, keyOf, seed, n).map((d) => d.key);
        const two = drawInvitations(shuffled, keyOf, seed, n).map((d) => d.key);
        assert.deepEqual(two, one);
        assert.equal(listFingerprint(list.map(keyOf)), listFingerprint(shuffled.map(keyOf)));
      },
    ),
  );
});

test('a draw of N is N distinct addresses from the list, or the whole list when N is at least its length', () => {
  fc.assert(
    fc.property(addressList, fc.string({ maxLength: 20 }), fc.nat(80), (list, seed, n) => {
      const drawn = drawInvitations(list, keyOf, seed, n);
      assert.equal(drawn.length, Math.min(n, list.length));
      assert.equal(new Set(drawn.map((d) => d.key)).size, drawn.length);
      const keys = new Set(list.map(keyOf));
      assert.ok(drawn.every((d) => keys.has(d.key)));
      if (n >= list.length) assert.deepEqual(new Set(drawn.map((d) => d.key)), keys);
      // A bigger draw with the same seed starts with the smaller one.
      const more = drawInvitations(list, keyOf, seed, n + 5).map((d) => d.key);
      assert.deepEqual(
        more.slice(0, drawn.length),
        drawn.map((d) => d.key),
      );
    }),
  );
});

test('a list that repeats an address is refused', () => {
  assert.throws(
    () =>
      drawInvitations(
        [
          { address: '1 Church Road', postcode: 'M33 7ZP' },
          { address: '1 CHURCH  ROAD', postcode: 'm337zp' },
        ],
        keyOf,
        's',
        1,
      ),
    /twice/,
  );
});
