import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { newTextOf, readRelayAddress, relayAddress } from './relay.js';

const relay = { domain: 'reply.kith.example', secret: 'a-test-secret-of-at-least-thirty-two-chars' };
const id = '3f0c6a52-91d4-4c1e-9a7b-5e2d8f1a0001';

test('a relay address reads back to the record and side it was made for, and fits in a local part', () => {
  const address = relayAddress(relay, 'aid', id, 'need');
  assert.deepEqual(readRelayAddress(relay, address), { kind: 'aid', id, side: 'need' });
  assert.deepEqual(readRelayAddress(relay, address.toUpperCase()), { kind: 'aid', id, side: 'need' });
  assert.ok((address.split('@')[0] ?? '').length <= 64);
});

test('a forged, altered or foreign relay address is not accepted', () => {
  const address = relayAddress(relay, 'aid', id, 'need');
  const otherSide = address.replace('-need-', '-offer-');
  assert.equal(readRelayAddress(relay, otherSide), null, 'same signature, other side');
  assert.equal(readRelayAddress(relay, address.replace('@reply.kith.example', '@evil.example')), null);
  assert.equal(readRelayAddress({ ...relay, secret: `${relay.secret}x` }, address), null, 'another secret');
  assert.equal(readRelayAddress(relay, 'someone@reply.kith.example'), null);
  assert.equal(readRelayAddress(relay, ''), null);
});

test('property: changing any character of the local part makes the address invalid', () => {
  const address = relayAddress(relay, 'aid', id, 'offer');
  const local = address.split('@')[0] as string;
  fc.assert(
    fc.property(fc.nat(local.length - 1), fc.constantFrom(...'0123456789abcdef-z'), (i, ch) => {
      fc.pre(local[i] !== ch);
      const changed = `${local.slice(0, i)}${ch}${local.slice(i + 1)}@${relay.domain}`;
      assert.equal(readRelayAddress(relay, changed), null);
    }),
  );
});

test('only the new text of a reply is kept, not the quoted message under it', () => {
  assert.equal(
    newTextOf('Thanks, Tuesday works.\n\nOn Mon, 23 Nov 2026 at 10:00, Kith wrote:\n> Hello'),
    'Thanks, Tuesday works.',
  );
  assert.equal(newTextOf('Yes please\r\n> earlier\r\n> text'), 'Yes please');
  assert.equal(newTextOf('See you then\nOn Mon, 23 Nov 2026, Kith <a@b.c>\nwrote:\n> x'), 'See you then');
  assert.equal(newTextOf('Fine\n-----Original Message-----\nFrom: x'), 'Fine');
  assert.equal(newTextOf('Fine\nFrom: Kith\nSent: Monday\nTo: me'), 'Fine');
  assert.equal(
    newTextOf('On my way at 3pm.\nBring the list?'),
    'On my way at 3pm.\nBring the list?',
    'a line starting "On" is not a quote header',
  );
});
