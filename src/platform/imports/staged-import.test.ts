import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { freshDatabase } from '../../../test/helpers/database.js';
import { makePerson } from '../../../test/helpers/people.js';
import type { Db } from '../db/types.js';
import { Forbidden, Invalid, NotFound } from '../http/errors.js';
import type { ServiceContext } from '../http/request-context.js';
import { findPlaceBySlug, type Place } from '../places/place-service.js';
import {
  confirmImport,
  getStagedImport,
  type ImportKind,
  readCsvRecords,
  type StagedRow,
  stageImport,
} from './staged-import.js';

const E = 'test.import.errors';
const csvOptions = {
  maxBytes: 200,
  maxRows: 3,
  heading: (h: string) => h.trim().toLowerCase(),
  required: { headings: ['name'], messageKey: `${E}.noName` },
  errors: E,
};

/** The message key an Invalid carries for one field, so each refusal is told apart. */
function refusedWith(field: string, key: string) {
  return (error: unknown) => error instanceof Invalid && error.fieldErrors[field] === key;
}

test('a CSV is read by normalised heading, without its byte-order mark or blank lines', () => {
  assert.deepEqual(readCsvRecords('\uFEFF Name ,Size\nOak, 3 \n\nAsh,1\n', csvOptions), [
    { name: 'Oak', size: '3' },
    { name: 'Ash', size: '1' },
  ]);
});

test('a file that cannot be imported says why, with the module’s messages', () => {
  assert.throws(
    () => readCsvRecords(`name\n${'x'.repeat(300)}`, csvOptions),
    refusedWith('file', `${E}.tooBig`),
  );
  assert.throws(() => readCsvRecords('name\n"unclosed', csvOptions), refusedWith('file', `${E}.notCsv`));
  assert.throws(() => readCsvRecords('name\n', csvOptions), refusedWith('file', `${E}.empty`));
  assert.throws(
    () => readCsvRecords('name\na\nb\nc\nd\n', csvOptions),
    refusedWith('file', `${E}.tooManyRows`),
  );
  assert.throws(() => readCsvRecords('title\na\n', csvOptions), refusedWith('file', `${E}.noName`));
});

// A made-up module: its staged files live in a table of the agreed shape, created for the test.
type TreeRow = StagedRow & { values: { name: string } };
const KIND: ImportKind = {
  table: 'test_tree_imports',
  permission: 'data.manage',
  errors: E,
  targetType: 'test-import',
  auditActions: { stage: 'test.import.stage', confirm: 'test.import.confirm' },
};

let db: Db;
let admin: ServiceContext;
let resident: ServiceContext;
before(async () => {
  db = await freshDatabase();
  await db.exec(`create table test_tree_imports (
    id uuid primary key default gen_random_uuid(), place_id uuid not null, created_by uuid,
    filename text not null, rows jsonb not null, created_at timestamptz not null default now(),
    imported_at timestamptz);
    create table test_trees (name text not null)`);
  const place = (await findPlaceBySlug(db, 'trafford')) as Place;
  const adminId = (await makePerson(db, { roles: ['place-admin'] })).userId;
  const residentId = (await makePerson(db)).userId;
  admin = {
    db,
    place,
    actor: { userId: adminId, roles: ['place-admin'], platformAdmin: false },
    requestId: 'r',
  };
  resident = { db, place, actor: { userId: residentId, roles: ['resident'], platformAdmin: false } };
});
after(() => db.close());

/** Checks each name: a blank one is a problem. */
async function checked(names: string[]): Promise<TreeRow[]> {
  return names.map((name, i) => ({
    line: i + 2,
    values: { name },
    problems: name ? [] : [{ field: 'name', messageKey: `${E}.nameRequired` }],
  }));
}

function plant(ctx: ServiceContext, id: string, onlyValid: boolean, failOnWrite = false) {
  return confirmImport(ctx, KIND, id, onlyValid, {
    prepare: async (valid: TreeRow[]) => valid.map((r) => r.values.name),
    apply: async (tx, names) => {
      for (const name of names) await tx.query('insert into test_trees (name) values ($1)', [name]);
      if (failOnWrite) throw new Error('disk full');
      return { counts: { planted: names.length }, audit: { names } };
    },
  });
}

const trees = async () =>
  (await db.query<{ name: string }>('select name from test_trees order by name')).map((r) => r.name);

test('only someone with the permission may stage or see an import', async () => {
  let read = false;
  await assert.rejects(
    stageImport(resident, KIND, 'trees.csv', async () => {
      read = true;
      return checked(['Oak']);
    }),
    Forbidden,
  );
  assert.equal(read, false, 'the file is not read for someone who may not import');
  const id = await stageImport(admin, KIND, 'trees.csv', () => checked(['Oak']));
  await assert.rejects(getStagedImport(resident, KIND, id), Forbidden);
  await assert.rejects(getStagedImport(admin, KIND, 'not-an-id'), NotFound);
  await assert.rejects(getStagedImport(admin, KIND, '00000000-0000-4000-8000-000000000000'), NotFound);
});

test('a staged import keeps every row with its problems, and writes nothing until confirmed', async () => {
  const id = await stageImport(admin, KIND, 'trees.csv', () => checked(['Oak', '', 'Ash']));
  const staged = await getStagedImport<TreeRow>(admin, KIND, id);
  assert.equal(staged.filename, 'trees.csv');
  assert.equal(staged.importedAt, null);
  assert.deepEqual(
    staged.rows.map((r) => [r.line, r.values.name, r.problems.length]),
    [
      [2, 'Oak', 0],
      [3, '', 1],
      [4, 'Ash', 0],
    ],
  );
  const [audited] = await db.query<{ after: { rows: number; withProblems: number } }>(
    "select after from audit_log where action = 'test.import.stage' and target_id = $1",
    [id],
  );
  assert.deepEqual(audited?.after, { filename: 'trees.csv', rows: 3, withProblems: 1 });
  assert.deepEqual(await trees(), []);
});

test('confirming imports all rows only when all are fine, or the fine ones when asked, once', async () => {
  await db.query('delete from test_trees');
  const id = await stageImport(admin, KIND, 'trees.csv', () => checked(['Oak', '', 'Ash']));
  await assert.rejects(plant(admin, id, false), refusedWith('choice', `${E}.notAllValid`));
  assert.deepEqual(await plant(admin, id, true), { planted: 2, skipped: 1 });
  assert.deepEqual(await trees(), ['Ash', 'Oak']);
  const [audited] = await db.query<{ after: unknown }>(
    "select after from audit_log where action = 'test.import.confirm' and target_id = $1",
    [id],
  );
  assert.deepEqual(audited?.after, { planted: 2, skipped: 1, names: ['Oak', 'Ash'] });
  assert.ok((await getStagedImport(admin, KIND, id)).importedAt instanceof Date);
  await assert.rejects(plant(admin, id, true), refusedWith('choice', `${E}.alreadyImported`));
  assert.deepEqual(await trees(), ['Ash', 'Oak']);
});

test('a file with no fine rows is not imported', async () => {
  const id = await stageImport(admin, KIND, 'blank.csv', () => checked(['', '']));
  await assert.rejects(plant(admin, id, true), refusedWith('choice', `${E}.nothingValid`));
});

test('a failed write leaves nothing behind and the file can be imported again', async () => {
  await db.query('delete from test_trees');
  const id = await stageImport(admin, KIND, 'trees.csv', () => checked(['Elm']));
  await assert.rejects(plant(admin, id, false, true), /disk full/);
  assert.deepEqual(await trees(), []);
  assert.equal((await getStagedImport(admin, KIND, id)).importedAt, null);
  assert.deepEqual(await plant(admin, id, false), { planted: 1, skipped: 0 });
});

test('a module may check the rows again when confirming', async () => {
  await db.query('delete from test_trees');
  const id = await stageImport(admin, KIND, 'trees.csv', () => checked(['Oak', 'Yew']));
  // Since staging, yews have been banned: the recheck finds a problem the preview did not show.
  const result = await confirmImport(admin, KIND, id, true, {
    rows: async (staged) =>
      (await checked(staged.rows.map((r) => r.values.name))).map((r) =>
        r.values.name === 'Yew' ? { ...r, problems: [{ field: 'name', messageKey: `${E}.banned` }] } : r,
      ),
    prepare: async (valid: TreeRow[]) => valid.map((r) => r.values.name),
    apply: async (tx, names) => {
      for (const name of names) await tx.query('insert into test_trees (name) values ($1)', [name]);
      return { counts: { planted: names.length } };
    },
  });
  assert.deepEqual(result, { planted: 1, skipped: 1 });
  assert.deepEqual(await trees(), ['Oak']);
});
