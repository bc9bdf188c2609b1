import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { pbPerson, processFields } from '../../../../test/helpers/pb-process.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../../platform/http/errors.js';
import { translator } from '../../../platform/i18n/i18n.js';
import { createProcess, getProcess, movePhase } from '../processes/process-service.js';
import { proposalPrivacy } from './proposal-privacy.js';
import {
  adjustCost,
  answerMerge,
  feasibleProjects,
  getMerge,
  getProposal,
  listProposals,
  proposeMerge,
  recordFeasibility,
  submitProposal,
  updateProposal,
  withdrawProposal,
} from './proposal-service.js';

const t = useTestApp();
const en = translator('en');

let titles = 0;
async function newProcess(changes: Record<string, string> = {}) {
  const officer = await pbPerson(t.db, ['officer']);
  const slug = await createProcess(officer.ctx, processFields({ title: `Fund ${++titles}`, ...changes }));
  return { officer, slug };
}

function fields(changes: Record<string, string> = {}): Record<string, string> {
  return {
    title: 'Benches in Victoria Park',
    summary: 'Six new benches along the main path.',
    description: '',
    ward: '',
    category: 'green-spaces',
    location: 'Victoria Park',
    group: '',
    costLabel1: 'Benches',
    costAmount1: '3,000',
    costLabel2: 'Fitting',
    costAmount2: '450.50',
    ...changes,
  };
}

async function fieldErrors(p: Promise<unknown>): Promise<Record<string, string>> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof Invalid, String(e));
    return e.fieldErrors;
  }
  assert.fail('expected Invalid');
}

test('a resident puts forward a proposal: its breakdown is stored in exact pence and it is public', async () => {
  const { slug } = await newProcess();
  const me = await pbPerson(t.db);
  const number = await submitProposal(me.ctx, slug, fields());
  assert.equal(number, 1);
  const visitor = { ...me.ctx, actor: null };
  const p = await getProposal(visitor, slug, number);
  assert.equal(p.title, 'Benches in Victoria Park');
  assert.equal(p.status, 'submitted');
  assert.equal(p.costPence, 345050n);
  assert.deepEqual(
    p.costs.map((c) => [c.label, c.pence]),
    [
      ['Benches', 300000n],
      ['Fitting', 45050n],
    ],
  );
  assert.equal(p.mine, false, 'a visitor is not the author');
  assert.equal((await getProposal(me.ctx, slug, number)).mine, true);
  assert.equal((await listProposals(visitor, slug)).length, 1);
});

test('every field at fault is named with its own message', async () => {
  const { slug } = await newProcess();
  const me = await pbPerson(t.db);
  const cases: [Record<string, string>, string, string][] = [
    [{ title: '' }, 'title', 'titleMissing'],
    [{ title: 'x'.repeat(121) }, 'title', 'titleTooLong'],
    [{ summary: '  ' }, 'summary', 'summaryMissing'],
    [{ summary: 'x'.repeat(301) }, 'summary', 'summaryTooLong'],
    [{ category: 'parking' }, 'category', 'categoryMissing'],
    [{ location: 'x'.repeat(201) }, 'location', 'locationTooLong'],
    [{ ward: 'atlantis' }, 'ward', 'wardUnknown'],
    [{ costLabel1: '' }, 'costLabel1', 'costLabelMissing'],
    [{ costAmount2: '' }, 'costAmount2', 'costAmountMissing'],
    [{ costAmount1: '12.505' }, 'costAmount1', 'costAmountInvalid'],
    [{ costAmount1: '1,00' }, 'costAmount1', 'costAmountInvalid'],
    [{ costAmount1: 'ten' }, 'costAmount1', 'costAmountInvalid'],
    [{ costLabel1: '', costAmount1: '', costLabel2: '', costAmount2: '' }, 'costs', 'costsMissing'],
    [{ costAmount1: '0', costAmount2: '0.00' }, 'costs', 'costsZero'],
    [{ group: '6f0d1c9e-0000-4000-8000-000000000000' }, 'group', 'groupNotYours'],
  ];
  for (const [changes, field, key] of cases) {
    const errors = await fieldErrors(submitProposal(me.ctx, slug, fields(changes)));
    assert.equal(errors[field], `budgeting.proposals.errors.${key}`, JSON.stringify(changes));
    assert.notEqual(en(errors[field] as string), errors[field], `${key} has English words`);
  }
  assert.equal((await listProposals(me.ctx, slug)).length, 0, 'nothing was saved');
});

test('the total may be a penny, or exactly the budget, but not a penny more', async () => {
  const { slug } = await newProcess({ budget: '50000' });
  const me = await pbPerson(t.db);
  const penny = await submitProposal(me.ctx, slug, fields({ costAmount1: '0.01', costAmount2: '0' }));
  assert.equal((await getProposal(me.ctx, slug, penny)).costPence, 1n);
  const all = await submitProposal(me.ctx, slug, fields({ costAmount1: '49,999.50', costAmount2: '0.50' }));
  assert.equal((await getProposal(me.ctx, slug, all)).costPence, 5_000_000n);
  const errors = await fieldErrors(
    submitProposal(me.ctx, slug, fields({ costAmount1: '49,999.50', costAmount2: '0.51' })),
  );
  assert.equal(errors.costs, 'budgeting.proposals.errors.costsOverBudget');
});

test('a ward budget takes proposals for its own ward only, and fills the ward in', async () => {
  const { slug } = await newProcess({ ward: 'altrincham' });
  const me = await pbPerson(t.db);
  const n = await submitProposal(me.ctx, slug, fields());
  const p = await getProcess(me.ctx, slug);
  assert.equal((await getProposal(me.ctx, slug, n)).wardCode, p.wardCode);
  const other = (
    await t.db.query<{ slug: string }>(
      `select w.slug from wards w join places pl on pl.id = w.place_id where pl.slug = 'trafford' and w.slug <> 'altrincham' limit 1`,
    )
  )[0]?.slug as string;
  const errors = await fieldErrors(submitProposal(me.ctx, slug, fields({ ward: other })));
  assert.equal(errors.ward, 'budgeting.proposals.errors.wardOutside');
});

test('an organiser may put a proposal forward for their group, and it is shown with the group', async () => {
  const { slug } = await newProcess();
  const me = await pbPerson(t.db);
  const [group] = await t.db.query<{ id: string; name: string }>(
    `select g.id, g.name from directory_groups g join places pl on pl.id = g.place_id
     where pl.slug = 'trafford' and g.merged_into is null limit 1`,
  );
  assert.ok(group);
  const member = await pbPerson(t.db);
  await t.db.query(
    `insert into directory_group_members (place_id, group_id, user_id, role) values ($1, $2, $3, 'member')`,
    [member.ctx.place.id, group.id, member.userId],
  );
  const refused = await fieldErrors(submitProposal(member.ctx, slug, fields({ group: group.id })));
  assert.equal(refused.group, 'budgeting.proposals.errors.groupNotYours', 'a member is not an organiser');
  await t.db.query(
    `insert into directory_group_members (place_id, group_id, user_id, role) values ($1, $2, $3, 'organiser')`,
    [me.ctx.place.id, group.id, me.userId],
  );
  const n = await submitProposal(me.ctx, slug, fields({ group: group.id }));
  assert.equal((await getProposal(me.ctx, slug, n)).group?.name, group.name);
});

test('proposals are taken only in the ideas and proposals phases, and only from residents', async () => {
  const { officer, slug } = await newProcess();
  const me = await pbPerson(t.db);
  await assert.rejects(submitProposal({ ...me.ctx, actor: null }, slug, fields()), Forbidden);
  await movePhase(officer.ctx, slug, 'proposals');
  await submitProposal(me.ctx, slug, fields());
  await movePhase(officer.ctx, slug, 'feasibility');
  await assert.rejects(submitProposal(me.ctx, slug, fields()), (e: unknown) => {
    assert.ok(e instanceof Conflict);
    assert.equal(e.message, 'budgeting.proposals.errors.notTaking');
    return true;
  });
});

test('numbers run 1, 2, 3… even when many proposals arrive at once', async () => {
  const { slug } = await newProcess();
  const people = await Promise.all(Array.from({ length: 8 }, () => pbPerson(t.db)));
  const numbers = await Promise.all(people.map((p) => submitProposal(p.ctx, slug, fields())));
  assert.deepEqual(
    [...numbers].sort((a, b) => a - b),
    [1, 2, 3, 4, 5, 6, 7, 8],
  );
  const other = await newProcess();
  const first = people[0];
  assert.ok(first);
  assert.equal(await submitProposal(first.ctx, other.slug, fields()), 1, 'each process counts its own');
});

test('only the author edits, only while waiting for its check; withdrawn ones stay listed', async () => {
  const { officer, slug } = await newProcess();
  const me = await pbPerson(t.db);
  const stranger = await pbPerson(t.db);
  const n = await submitProposal(me.ctx, slug, fields());
  await assert.rejects(updateProposal(stranger.ctx, slug, n, fields({ title: 'Mine now' })), NotFound);
  await updateProposal(me.ctx, slug, n, fields({ title: 'Eight benches', costAmount1: '4000' }));
  const p = await getProposal(me.ctx, slug, n);
  assert.equal(p.title, 'Eight benches');
  assert.equal(p.costPence, 445050n);
  await assert.rejects(withdrawProposal(stranger.ctx, slug, n), NotFound);
  await recordFeasibility(officer.ctx, slug, n, { feasible: 'yes', reason: 'The park can take them.' });
  await assert.rejects(updateProposal(me.ctx, slug, n, fields()), Conflict);
  await withdrawProposal(me.ctx, slug, n);
  const listed = await listProposals({ ...me.ctx, actor: null }, slug, { status: 'withdrawn' });
  assert.deepEqual(
    listed.map((x) => [x.number, x.status]),
    [[n, 'withdrawn']],
  );
  assert.deepEqual(await feasibleProjects(t.db, (await getProcess(me.ctx, slug)).id), []);
});

test('officers record feasibility with a published reason; residents cannot', async () => {
  const { officer, slug } = await newProcess();
  const me = await pbPerson(t.db);
  const n = await submitProposal(me.ctx, slug, fields());
  await assert.rejects(
    recordFeasibility(me.ctx, slug, n, { feasible: 'yes', reason: 'I say so' }),
    Forbidden,
  );
  const missing = await fieldErrors(recordFeasibility(officer.ctx, slug, n, { feasible: 'no', reason: ' ' }));
  assert.equal(missing.reason, 'budgeting.proposals.errors.feasibilityReasonMissing');
  const choice = await fieldErrors(recordFeasibility(officer.ctx, slug, n, { reason: 'Because' }));
  assert.equal(choice.feasible, 'budgeting.proposals.errors.feasibleMissing');
  await recordFeasibility(officer.ctx, slug, n, { feasible: 'no', reason: 'The land is not the council’s.' });
  const p = await getProposal({ ...me.ctx, actor: null }, slug, n);
  assert.equal(p.status, 'not-feasible');
  assert.equal(p.feasibilityReason, 'The land is not the council’s.');
  assert.ok(p.checkedAt);
});

test('cost changes are kept as a public history and fix the breakdown for the author', async () => {
  const { officer, slug } = await newProcess({ budget: '50000' });
  const me = await pbPerson(t.db);
  const n = await submitProposal(me.ctx, slug, fields());
  await assert.rejects(adjustCost(me.ctx, slug, n, { pounds: '1', reason: 'Cheaper' }), Forbidden);
  const cases: [Record<string, string>, string, string][] = [
    [{ pounds: '0', reason: 'Free' }, 'pounds', 'adjustedCostInvalid'],
    [{ pounds: '12.345', reason: 'x' }, 'pounds', 'adjustedCostInvalid'],
    [{ pounds: '50000.01', reason: 'x' }, 'pounds', 'adjustedOverBudget'],
    [{ pounds: '3450.50', reason: 'x' }, 'pounds', 'adjustedSame'],
    [{ pounds: '3000', reason: '' }, 'reason', 'costReasonMissing'],
  ];
  for (const [raw, field, key] of cases) {
    const errors = await fieldErrors(adjustCost(officer.ctx, slug, n, raw));
    assert.equal(errors[field], `budgeting.proposals.errors.${key}`, JSON.stringify(raw));
  }
  await adjustCost(officer.ctx, slug, n, { pounds: '3,200', reason: 'A better quote for fitting.' });
  await adjustCost(officer.ctx, slug, n, { pounds: '50000', reason: 'Needs a path too.' });
  const p = await getProposal({ ...me.ctx, actor: null }, slug, n);
  assert.equal(p.costPence, 5_000_000n);
  assert.equal(p.proposedPence, 345050n, 'the breakdown still shows what was proposed');
  assert.deepEqual(
    p.costChanges.map((c) => [c.beforePence, c.afterPence, c.reason]),
    [
      [345050n, 320000n, 'A better quote for fitting.'],
      [320000n, 5_000_000n, 'Needs a path too.'],
    ],
  );
  // The author may still reword it, but their breakdown no longer changes the cost.
  await updateProposal(me.ctx, slug, n, fields({ title: 'Benches and a path', costAmount1: '1' }));
  const after = await getProposal(me.ctx, slug, n);
  assert.equal(after.title, 'Benches and a path');
  assert.equal(after.costPence, 5_000_000n);
  assert.equal(after.proposedPence, 345050n);
});

test('a merge needs every author of both proposals; one decline stops it', async () => {
  const { officer, slug } = await newProcess();
  const a = await pbPerson(t.db);
  const b = await pbPerson(t.db);
  const stranger = await pbPerson(t.db);
  const one = await submitProposal(a.ctx, slug, fields({ title: 'Benches' }));
  const two = await submitProposal(b.ctx, slug, fields({ title: 'Seats' }));
  const three = await submitProposal(a.ctx, slug, fields({ title: 'More seats' }));
  await assert.rejects(proposeMerge(a.ctx, slug, { from: two, into: one, reason: 'Alike' }), Forbidden);
  assert.equal(
    (await fieldErrors(proposeMerge(officer.ctx, slug, { from: one, into: one, reason: 'Same' }))).into,
    'budgeting.proposals.errors.mergeSame',
  );
  assert.equal(
    (await fieldErrors(proposeMerge(officer.ctx, slug, { from: 99, into: one, reason: 'x' }))).from,
    'budgeting.proposals.errors.mergeUnknown',
  );
  const id = await proposeMerge(officer.ctx, slug, {
    from: String(two),
    into: String(one),
    reason: 'Both are benches.',
  });
  assert.equal(
    (await fieldErrors(proposeMerge(officer.ctx, slug, { from: two, into: three, reason: 'x' }))).from,
    'budgeting.proposals.errors.mergePending',
  );
  await assert.rejects(answerMerge(stranger.ctx, id, true), NotFound);
  assert.equal(await answerMerge(a.ctx, id, true), 'pending');
  await assert.rejects(answerMerge(a.ctx, id, true), Conflict, 'each author answers once');
  assert.equal((await getProposal(a.ctx, slug, two)).status, 'submitted', 'one agreement is not enough');
  assert.equal(await answerMerge(b.ctx, id, true), 'agreed');
  const merged = await getProposal(stranger.ctx, slug, two);
  assert.equal(merged.status, 'merged');
  assert.equal(merged.mergedInto, one);
  assert.equal((await getMerge(stranger.ctx, id)).status, 'agreed');

  // One who declines stops it.
  const declined = await proposeMerge(officer.ctx, slug, { from: three, into: one, reason: 'Also seats' });
  assert.equal(await answerMerge(a.ctx, declined, false), 'declined');
  assert.equal((await getProposal(a.ctx, slug, three)).status, 'submitted');
  await assert.rejects(answerMerge(a.ctx, declined, true), Conflict, 'a decided merge takes no more answers');
});

test('nothing about proposals changes once voting has opened', async () => {
  const { officer, slug } = await newProcess();
  const a = await pbPerson(t.db);
  const one = await submitProposal(a.ctx, slug, fields());
  const two = await submitProposal(a.ctx, slug, fields({ title: 'Other' }));
  await recordFeasibility(officer.ctx, slug, one, { feasible: 'yes', reason: 'Fine.' });
  const merge = await proposeMerge(officer.ctx, slug, { from: two, into: one, reason: 'Alike' });
  await movePhase(officer.ctx, slug, 'voting');
  const locked = (e: unknown) => {
    assert.ok(e instanceof Conflict);
    assert.equal(e.message, 'budgeting.proposals.errors.locked');
    assert.match(en(e.message), /Voting has opened/);
    return true;
  };
  await assert.rejects(submitProposal(a.ctx, slug, fields()), locked);
  await assert.rejects(updateProposal(a.ctx, slug, two, fields({ title: 'Late' })), locked);
  await assert.rejects(withdrawProposal(a.ctx, slug, one), locked);
  await assert.rejects(recordFeasibility(officer.ctx, slug, two, { feasible: 'yes', reason: 'x' }), locked);
  await assert.rejects(adjustCost(officer.ctx, slug, one, { pounds: '10', reason: 'x' }), locked);
  await assert.rejects(proposeMerge(officer.ctx, slug, { from: two, into: one, reason: 'x' }), locked);
  await assert.rejects(answerMerge(a.ctx, merge, true), locked);
  const projects = await feasibleProjects(t.db, (await getProcess(a.ctx, slug)).id);
  assert.deepEqual(
    projects.map((p) => [p.number, p.costPence, p.category]),
    [[one, 345050n, 'green-spaces']],
  );
});

test('a person’s proposals are in their data; on erasure the proposal stays without its author', async () => {
  const { slug } = await newProcess();
  const me = await pbPerson(t.db);
  const n = await submitProposal(me.ctx, slug, fields({ title: 'A mural' }));
  const data = await proposalPrivacy.exportFor?.(t.db, { userId: me.userId, email: me.email });
  assert.deepEqual(
    data?.pb_proposals?.map((r) => r.title),
    ['A mural'],
  );
  const kept = await t.db.transaction(async (tx) =>
    proposalPrivacy.eraseFor ? proposalPrivacy.eraseFor(tx, { userId: me.userId, email: me.email }) : [],
  );
  assert.deepEqual(kept, ['budgeting.proposals.privacy.keptOnErase']);
  const p = await getProposal(me.ctx, slug, n);
  assert.equal(p.title, 'A mural');
  assert.equal(p.mine, false, 'it no longer names them');
});
