import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { freshDatabase } from '../../../test/helpers/database.js';
import { migrate, pendingMigrations, readMigrations } from './migrate.js';
import { withTransaction } from './transaction.js';
import type { Db } from './types.js';

let db: Db;
before(async () => {
  db = await freshDatabase();
});
after(() => db.close());

test('the extensions Kith relies on are installed', async () => {
  const rows = await db.query<{ extname: string }>('select extname from pg_extension order by extname');
  const names = rows.map((r) => r.extname);
  for (const ext of ['btree_gist', 'citext', 'pg_trgm', 'unaccent']) assert.ok(names.includes(ext), ext);
  const [r] = await db.query<{ s: number; u: string }>(
    "select similarity('Stretford', 'Stretferd') as s, unaccent('Dâr') as u",
  );
  assert.ok((r?.s ?? 0) > 0.3);
  assert.equal(r?.u, 'Dar');
});

test('migrating again applies nothing and nothing is pending', async () => {
  assert.deepEqual(await migrate(db), []);
  assert.deepEqual(await pendingMigrations(db), []);
});

test('a migration edited after it was applied stops the run', async () => {
  const edited = readMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'changed' } : m));
  await assert.rejects(migrate(db, edited), /was changed after it was applied/);
});

test('a failed transaction writes nothing', async () => {
  const [place] = await db.query<{ id: string }>("select id from places where slug = 'trafford'");
  const before = await db.query<{ n: number }>('select count(*)::int as n from contact_messages');
  await assert.rejects(
    withTransaction(db, async (tx) => {
      await tx.query(
        "insert into contact_messages (place_id, reference, subject, message) values ($1, 'KC-TEST-0001', 's', 'm')",
        [place?.id ?? null],
      );
      throw new Error('boom');
    }),
    /boom/,
  );
  const afterRows = await db.query<{ n: number }>('select count(*)::int as n from contact_messages');
  assert.equal(afterRows[0]?.n, before[0]?.n);
});

test('nested withTransaction joins the outer transaction and rolls back with it', async () => {
  const [place] = await db.query<{ id: string }>("select id from places where slug = 'trafford'");
  await assert.rejects(
    withTransaction(db, async (outer) => {
      await withTransaction(outer, (inner) =>
        inner.query(
          "insert into contact_messages (place_id, reference, subject, message) values ($1, 'KC-NEST-0001', 's', 'm')",
          [place?.id ?? null],
        ),
      );
      throw new Error('outer fails');
    }),
  );
  const rows = await db.query("select 1 from contact_messages where reference = 'KC-NEST-0001'");
  assert.equal(rows.length, 0);
});

test('the database rejects rows that break the rules', async () => {
  await assert.rejects(db.query("insert into places (slug, name) values ('Not A Slug', 'x')"));
  await assert.rejects(
    db.query("insert into places (slug, name, brand_colour) values ('ok-slug', 'x', 'red')"),
  );
});

test('a query on the database from inside a transaction is refused, not left to hang', async () => {
  await assert.rejects(
    withTransaction(db, async () => {
      await db.query('select 1');
    }),
    /instead of the open transaction/,
  );
  await assert.rejects(
    withTransaction(db, () => db.exec('select 1')),
    /instead of the open transaction/,
  );
  // A second transaction opened on the database, not joined through `tx`, would wait as well.
  await assert.rejects(
    withTransaction(db, () => db.transaction((tx) => tx.query('select 1'))),
    /instead of the open transaction/,
  );
  // The database is still usable afterwards.
  assert.equal((await db.query<{ n: number }>('select 1 as n'))[0]?.n, 1);
});

test('a query from elsewhere while a transaction is open waits its turn rather than being refused', async () => {
  let queried = () => {};
  const started = new Promise<void>((resolve) => {
    queried = resolve;
  });
  const open = withTransaction(db, async (tx) => {
    await tx.query('select 1');
    queried();
    // Give the other caller time to send its query while this transaction holds the database.
    await new Promise((resolve) => setTimeout(resolve, 20));
    return tx.query<{ n: number }>('select 2 as n');
  });
  await started;
  const elsewhere = db.query<{ n: number }>('select 3 as n');
  assert.equal((await open)[0]?.n, 2);
  assert.equal((await elsewhere)[0]?.n, 3);
});
