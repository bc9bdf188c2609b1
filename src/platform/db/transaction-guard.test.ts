import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../config.js';
import { NO_GUARD, transactionGuard } from './transaction-guard.js';

test('inside a transaction the guard refuses; outside, and once it is over, it allows', async () => {
  const guard = transactionGuard();
  guard.check();
  let later: Promise<void> | undefined;
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  await guard.during(async () => {
    assert.throws(() => guard.check(), /instead of the open transaction/);
    // Work started inside but run after the transaction, such as a promise left unawaited.
    later = gate.then(() => guard.check());
  });
  guard.check();
  release();
  await later;
});

test('work running beside a transaction, not inside it, is not refused', async () => {
  const guard = transactionGuard();
  let inside = () => {};
  const open = guard.during(
    () =>
      new Promise<void>((resolve) => {
        inside = resolve;
      }),
  );
  guard.check();
  inside();
  await open;
});

test('each database has its own guard', async () => {
  const one = transactionGuard();
  const other = transactionGuard();
  await one.during(async () => {
    other.check();
    assert.throws(() => one.check());
  });
});

test('production runs without the guard; development and tests with it', async () => {
  await NO_GUARD.during(async () => NO_GUARD.check());
  const secret = 'x'.repeat(32);
  assert.equal(loadConfig({ NODE_ENV: 'production', KITH_SECRET: secret }).database.guardTransactions, false);
  assert.equal(loadConfig({ NODE_ENV: 'development' }).database.guardTransactions, true);
  assert.equal(loadConfig({ NODE_ENV: 'test' }).database.guardTransactions, true);
});
