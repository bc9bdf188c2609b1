import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestApp } from '../../../../test/helpers/app.js';
import { pbPerson, processFields } from '../../../../test/helpers/pb-process.js';
import { Conflict, Forbidden, Invalid } from '../../../platform/http/errors.js';
import {
  createProcess,
  engineRuleOf,
  getProcess,
  movePhase,
  nextPhases,
  stopVote,
  updateProcess,
  votingIsOpen,
} from './process-service.js';

const t = useTestApp();

async function feasibleProposal(processId: string, number: number, cost = 1000000) {
  await t.db.query(
    `insert into pb_proposals (process_id, number, title, summary, cost_pence, status) values ($1, $2, $3, 'A project', $4, 'feasible')`,
    [processId, number, `Project ${number}`, cost],
  );
}

test('an officer creates a budget in pounds and it is stored in exact pence with its rules', async () => {
  const officer = await pbPerson(t.db, ['officer']);
  const slug = await createProcess(
    officer.ctx,
    processFields({ budget: '£1,234,567.89', ward: 'altrincham' }),
  );
  const p = await getProcess(officer.ctx, slug);
  assert.equal(p.budgetPence, 123456789n);
  assert.equal(p.wardName, 'Altrincham');
  assert.equal(p.phase, 'ideas');
  assert.equal(p.maxSelections, 3);
  assert.equal(p.pointsTotal, null);
  assert.deepEqual(p.verificationMethods, ['email']);
});

test('a resident cannot create a budget', async () => {
  const resident = await pbPerson(t.db);
  await assert.rejects(createProcess(resident.ctx, processFields()), Forbidden);
});

test('bad input names each field at fault', async () => {
  const officer = await pbPerson(t.db, ['officer']);
  const cases: [Record<string, string>, string][] = [
    [{ budget: '12,34' }, 'budget'],
    [{ budget: '0' }, 'budget'],
    [{ budget: '1000000001' }, 'budget'],
    [{ ward: 'nowhere' }, 'ward'],
    [{ ballotType: 'cumulative', pointsTotal: '' }, 'pointsTotal'],
    [{ ballotType: 'ranked', maxSelections: '' }, 'maxSelections'],
    [{ minSelections: '4', maxSelections: '3' }, 'maxSelections'],
    [{ verificationMethods: '' }, 'verificationMethods'],
    [{ verificationMethods: 'email,passport' }, 'verificationMethods'],
    [{ votingOpens: '2027-03-10', votingCloses: '2027-03-01' }, 'votingCloses'],
    [{ title: '' }, 'title'],
  ];
  for (const [changes, field] of cases) {
    await assert.rejects(createProcess(officer.ctx, processFields(changes)), (e: unknown) => {
      assert.ok(e instanceof Invalid, JSON.stringify(changes));
      assert.ok(field in e.fieldErrors, `${JSON.stringify(changes)} → ${JSON.stringify(e.fieldErrors)}`);
      return true;
    });
  }
});

test('voting opens only with a feasible proposal, and then the rules are locked', async () => {
  const officer = await pbPerson(t.db, ['officer']);
  const slug = await createProcess(officer.ctx, processFields({ title: 'Locked fund' }));
  assert.deepEqual(nextPhases(await getProcess(officer.ctx, slug)), ['proposals', 'feasibility', 'voting']);
  await assert.rejects(movePhase(officer.ctx, slug, 'voting'), Invalid);
  const p = await getProcess(officer.ctx, slug);
  await feasibleProposal(p.id, 1);
  await movePhase(officer.ctx, slug, 'voting');
  const open = await getProcess(officer.ctx, slug);
  assert.equal(open.phase, 'voting');
  assert.ok(open.lockedAt);
  assert.ok(votingIsOpen(open));
  assert.deepEqual(nextPhases(open), []);
  await assert.rejects(
    updateProcess(officer.ctx, slug, processFields({ title: 'Locked fund', ballotType: 'knapsack' })),
    Conflict,
  );
  await assert.rejects(
    updateProcess(officer.ctx, slug, processFields({ title: 'Locked fund', budget: '60000' })),
    Conflict,
  );
  // The title and timetable are not locked.
  await updateProcess(officer.ctx, slug, processFields({ title: 'Locked fund, renamed' }));
  assert.equal((await getProcess(officer.ctx, slug)).title, 'Locked fund, renamed');
});

test('stopping a vote publishes the reason, voids the round and unlocks the rules', async () => {
  const officer = await pbPerson(t.db, ['officer']);
  const slug = await createProcess(officer.ctx, processFields({ title: 'Stopped fund' }));
  const p = await getProcess(officer.ctx, slug);
  await feasibleProposal(p.id, 1);
  await movePhase(officer.ctx, slug, 'voting');
  await t.db.query(
    `insert into pb_ballots (process_id, round, receipt_hash, channel, projects) select $1, 1, 'x-stop', 'online', array[id] from pb_proposals where process_id = $1`,
    [p.id],
  );
  await assert.rejects(stopVote(officer.ctx, slug, '  '), Invalid);
  await stopVote(officer.ctx, slug, 'The ballot left out two proposals by mistake.');
  const stopped = await getProcess(officer.ctx, slug);
  assert.equal(stopped.phase, 'feasibility');
  assert.equal(stopped.round, 2);
  assert.equal(stopped.lockedAt, null);
  assert.equal(stopped.stops[0]?.reason, 'The ballot left out two proposals by mistake.');
  const left = await t.db.query('select 1 from pb_ballots where process_id = $1', [p.id]);
  assert.equal(left.length, 0);
  await updateProcess(officer.ctx, slug, processFields({ title: 'Stopped fund', ballotType: 'knapsack' }));
  assert.equal((await getProcess(officer.ctx, slug)).ballotType, 'knapsack');
  await assert.rejects(stopVote(officer.ctx, slug, 'Again'), Conflict);
});

test('voting is open only between its dates', async () => {
  const officer = await pbPerson(t.db, ['officer']);
  const slug = await createProcess(
    officer.ctx,
    processFields({ title: 'Dated fund', votingOpens: '2027-03-01', votingCloses: '2027-03-31' }),
  );
  const p = await getProcess(officer.ctx, slug);
  const voting = { ...p, phase: 'voting' as const };
  // 00:00 on 1 March London time, 23:59:59.999 on 31 March (BST from 28 March).
  assert.equal(votingIsOpen(voting, new Date('2027-02-28T23:59:59Z')), false);
  assert.equal(votingIsOpen(voting, new Date('2027-03-01T00:00:00Z')), true);
  assert.equal(votingIsOpen(voting, new Date('2027-03-31T22:59:59Z')), true);
  assert.equal(votingIsOpen(voting, new Date('2027-03-31T23:00:00Z')), false);
});

test('the Method of Equal Shares counts cumulative ballots by their points', () => {
  assert.equal(engineRuleOf({ rule: 'mes-cost', ballotType: 'cumulative' }), 'mes-points');
  assert.equal(engineRuleOf({ rule: 'mes-cost', ballotType: 'knapsack' }), 'mes-cost');
  assert.equal(engineRuleOf({ rule: 'greedy', ballotType: 'cumulative' }), 'greedy');
});
