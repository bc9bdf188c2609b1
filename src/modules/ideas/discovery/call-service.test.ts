import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { makePerson } from '../../../../test/helpers/people.js';
import { Forbidden, Invalid, NotFound } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import type { Role } from '../../../platform/module-definition.js';
import { DEMO_CALL_ID } from '../seed/demo-ideas.js';
import { callStatus, createCall, getCall, listCalls, updateCall } from './call-service.js';
import { DEMO_CLOSED_CALL_ID } from './discovery-seed.js';
import { insertIdea, trafford } from './discovery-test-fixtures.js';

const t = useTestApp();
const DEMO_CHALLENGE = '7c1e2b9a-3d4f-4a5b-8c6d-0e1f2a3b4c01';

async function person(roles: Role[]): Promise<ServiceContext & { actor: { userId: string } }> {
  const p = await makePerson(t.db, { roles });
  return {
    db: t.db,
    place: await trafford(t.db),
    actor: { userId: p.userId, roles: [...roles, 'resident'], platformAdmin: false },
  };
}

const fields = (changes: Record<string, string> = {}) => ({
  question: 'How might we make our parks feel safer after dark?',
  description: 'Lighting, wardens, events: what would bring people back in the evening?',
  opens: '2026-01-05',
  closes: '2026-03-31',
  challenge: '',
  ...changes,
});

async function fieldErrors(p: Promise<unknown>): Promise<Record<string, string>> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof Invalid, String(e));
    return e.fieldErrors;
  }
  assert.fail('expected Invalid');
}

test('a call is upcoming before it opens, open until the end of its closing day, then closed', () => {
  const call = { opensOn: '2026-03-01', closesOn: '2026-03-31' };
  assert.equal(callStatus(call, '2026-02-28'), 'upcoming');
  assert.equal(callStatus(call, '2026-03-01'), 'open');
  assert.equal(callStatus(call, '2026-03-31'), 'open');
  assert.equal(callStatus(call, '2026-04-01'), 'closed');
  assert.equal(callStatus({ opensOn: '2026-03-01', closesOn: null }, '2099-01-01'), 'open');
});

test('the demo calls: one open, one closed that belongs to the council challenge; open ones listed first', async () => {
  const ctx = { db: t.db, place: await trafford(t.db), actor: null };
  const { items, total } = await listCalls(ctx);
  assert.equal(total, items.length);
  const open = items.find((c) => c.id === DEMO_CALL_ID);
  const closed = items.find((c) => c.id === DEMO_CLOSED_CALL_ID);
  assert.equal(open?.status, 'open');
  assert.equal(open?.ideas, 3);
  assert.equal(closed?.status, 'closed');
  assert.equal(closed?.challengeId, DEMO_CHALLENGE);
  const order = items.map((c) => c.status);
  assert.deepEqual(
    order,
    [...order].sort(
      (a, b) => ['open', 'upcoming', 'closed'].indexOf(a) - ['open', 'upcoming', 'closed'].indexOf(b),
    ),
  );
});

test('an officer opens a call, with the challenge it belongs to, and the change is audited', async () => {
  const officer = await person(['officer']);
  const id = await createCall(officer, fields({ challenge: DEMO_CHALLENGE.toUpperCase(), closes: '' }));
  const call = await getCall(officer, id);
  assert.equal(call.question, 'How might we make our parks feel safer after dark?');
  assert.equal(call.opensOn, '2026-01-05');
  assert.equal(call.closesOn, null);
  assert.equal(call.challengeId, DEMO_CHALLENGE);
  assert.equal(call.ideas, 0);
  const [log] = await t.db.query<{ actor_id: string; after: { question: string } }>(
    `select actor_id, after from audit_log where action = 'ideas.call.create' and target_id = $1`,
    [id],
  );
  assert.equal(log?.actor_id, officer.actor.userId);
  assert.equal(log?.after.question, call.question);

  // Its published ideas are counted; pending ones are not.
  await insertIdea(t.db, officer.place, { callId: id });
  await insertIdea(t.db, officer.place, { callId: id, status: 'pending' });
  assert.equal((await getCall(officer, id)).ideas, 1);

  // Closing it: a closing day in the past.
  await updateCall(officer, id, fields({ opens: '2025-01-01', closes: '2025-02-01' }));
  const closed = await getCall(officer, id);
  assert.equal(closed.status, 'closed');
  assert.equal(closed.challengeId, null);
  const [update] = await t.db.query<{ before: { closesOn: string | null }; after: { closesOn: string } }>(
    `select before, after from audit_log where action = 'ideas.call.update' and target_id = $1`,
    [id],
  );
  assert.equal(update?.before.closesOn, null);
  assert.equal(update?.after.closesOn, '2025-02-01');
});

test('residents and visitors cannot open or change calls', async () => {
  const resident = await person([]);
  await assert.rejects(createCall(resident, fields()), Forbidden);
  await assert.rejects(updateCall(resident, DEMO_CALL_ID, fields()), Forbidden);
  await assert.rejects(createCall({ ...resident, actor: null }, fields()), Forbidden);
  const connector = await person(['connector']);
  await assert.rejects(createCall(connector, fields()), Forbidden);
  assert.equal(
    (await getCall(resident, DEMO_CALL_ID)).question,
    'How might we make our high streets places to linger?',
  );
});

test('what an officer enters is checked: question, dates in order, a real challenge', async () => {
  const officer = await person(['place-admin']);
  assert.deepEqual(await fieldErrors(createCall(officer, fields({ question: '  ', opens: '' }))), {
    question: 'ideas.discovery.calls.errors.questionRequired',
    opens: 'ideas.discovery.calls.errors.opensRequired',
  });
  assert.deepEqual(
    await fieldErrors(
      createCall(
        officer,
        fields({ question: 'x'.repeat(201), description: 'y'.repeat(2001), closes: 'not-a-date' }),
      ),
    ),
    {
      question: 'ideas.discovery.calls.errors.questionTooLong',
      description: 'ideas.discovery.calls.errors.descriptionTooLong',
      closes: 'ideas.discovery.calls.errors.closesInvalid',
    },
  );
  assert.deepEqual(await fieldErrors(createCall(officer, fields({ opens: '2026-02-30' }))), {
    opens: 'ideas.discovery.calls.errors.opensInvalid',
  });
  assert.deepEqual(
    await fieldErrors(createCall(officer, fields({ opens: '2026-04-01', closes: '2026-03-31' }))),
    {
      closes: 'ideas.discovery.calls.errors.closesBeforeOpens',
    },
  );
  assert.deepEqual(await fieldErrors(createCall(officer, fields({ challenge: 'drop table' }))), {
    challenge: 'ideas.discovery.calls.errors.challengeUnknown',
  });
  assert.deepEqual(
    await fieldErrors(createCall(officer, fields({ challenge: '00000000-0000-4000-8000-000000000000' }))),
    { challenge: 'ideas.discovery.calls.errors.challengeUnknown' },
  );
  assert.deepEqual(await fieldErrors(createCall(officer, { question: 42 })), {
    question: 'ideas.discovery.calls.errors.questionRequired',
    opens: 'ideas.discovery.calls.errors.opensRequired',
  });
  // The same day for opening and closing is a one-day call.
  const id = await createCall(officer, fields({ opens: '2026-05-01', closes: '2026-05-01' }));
  assert.equal((await getCall(officer, id)).closesOn, '2026-05-01');
});

test('an unknown call is not found, however its id is written', async () => {
  const ctx = { db: t.db, place: await trafford(t.db), actor: null };
  await assert.rejects(getCall(ctx, 'nope'), NotFound);
  await assert.rejects(getCall(ctx, '00000000-0000-4000-8000-000000000000'), NotFound);
  const officer = await person(['officer']);
  await assert.rejects(updateCall(officer, '00000000-0000-4000-8000-000000000000', fields()), NotFound);
});
