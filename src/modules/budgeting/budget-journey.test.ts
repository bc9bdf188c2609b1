import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { useTestApp } from '../../../test/helpers/app.js';
import { pbPerson, processFields } from '../../../test/helpers/pb-process.js';
import { pabulibToString } from '../../lib/pabulib/index.js';
import { seededRandom } from '../../lib/random/seeded.js';
import { runPbCli } from './count-cli.js';
import { getProcess, movePhase } from './processes/process-service.js';
import { feasibleProjects, recordFeasibility, submitProposal } from './proposals/proposal-service.js';
import { closeAndCount, exportElection, getResults } from './results/result-service.js';
import { registerEmailVoter } from './verification/voter-service.js';
import { enterPaper } from './voting/paper-service.js';
import { castBallot, changeBallot } from './voting/voting-service.js';

const t = useTestApp();

/**
 * A whole budget through the real services: residents propose, an officer checks, residents
 * verify and vote (some change their vote), two officers enter paper ballots, the vote is
 * counted. The tally the app publishes must equal what the test itself saw cast, and the
 * `.pb` file it exports, recounted by `kith pb count`, must fund the same projects.
 */
test('the published tally equals the ballots cast, and the exported .pb file recounts to the same result', async () => {
  const officer = await pbPerson(t.db, ['officer']);
  const second = await pbPerson(t.db, ['officer']);
  const { createProcess } = await import('./processes/process-service.js');
  const slug = await createProcess(
    officer.ctx,
    processFields({
      title: 'Journey Fund',
      budget: '20000',
      maxSelections: '3',
      verificationMethods: 'email',
    }),
  );
  await movePhase(officer.ctx, slug, 'proposals');
  const costs = ['4000', '6500', '3000', '9000', '2500', '7000'];
  for (const [i, cost] of costs.entries()) {
    const author = await pbPerson(t.db);
    const n = await submitProposal(author.ctx, slug, {
      title: `Project ${i + 1}`,
      summary: 'Something for the neighbourhood.',
      category: 'green-spaces',
      costLabel1: 'Everything',
      costAmount1: cost,
    });
    await recordFeasibility(officer.ctx, slug, n, {
      feasible: i === 5 ? 'no' : 'yes',
      reason: i === 5 ? 'Not on council land.' : 'Checked.',
    });
  }
  await movePhase(officer.ctx, slug, 'voting');
  const projects = await feasibleProjects(t.db, (await getProcess(officer.ctx, slug)).id);
  assert.equal(projects.length, 5);

  const random = seededRandom(7);
  const cast = new Map<string, number>();
  const record = (ids: string[], sign: 1 | -1) => {
    for (const id of ids) cast.set(id, (cast.get(id) ?? 0) + sign);
  };
  const pick = () => {
    const ids = projects.filter(() => random() < 0.45).map((p) => p.id);
    return (ids.length ? ids : [projects[Math.floor(random() * projects.length)]?.id as string]).slice(0, 3);
  };
  for (let v = 0; v < 30; v++) {
    const voter = await pbPerson(t.db);
    await registerEmailVoter(voter.ctx, slug, { livesInArea: true, oldEnough: true });
    const first = pick();
    const { receipt } = await castBallot(voter.ctx, slug, { projects: first });
    record(first, 1);
    if (v % 10 === 0) {
      const again = pick();
      await changeBallot(voter.ctx, slug, receipt, { projects: again });
      record(first, -1);
      record(again, 1);
    }
  }
  for (const paper of ['1', '2', '3']) {
    const choice = pick();
    for (const who of [officer, second])
      await enterPaper(who.ctx, slug, {
        paperNumber: paper,
        spoilt: false,
        cast: { projects: choice },
        wardCode: null,
        ageBand: null,
      });
    record(choice, 1);
  }

  await closeAndCount(officer.ctx, slug);
  const results = await getResults(officer.ctx, slug);
  assert.ok(results);
  assert.equal(results.ballots, 33);
  assert.deepEqual(results.turnout.byChannel, [
    { channel: 'online', ballots: 30 },
    { channel: 'paper', ballots: 3 },
  ]);
  for (const p of results.projects) {
    const id = projects.find((x) => x.number === p.number)?.id as string;
    assert.equal(p.votes, cast.get(id) ?? 0, `votes for project ${p.number}`);
  }
  assert.ok(results.spentPence <= 2_000_000n);

  const { file } = await exportElection(officer.ctx, slug);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-journey-'));
  const where = path.join(dir, 'election.pb');
  fs.writeFileSync(where, pabulibToString(file));
  let out = '';
  const code = await runPbCli(
    ['count', where, '--json', '--rule', results.rule, '--completion', results.completion],
    { out: (s) => (out += s), err: () => {} },
  );
  assert.equal(code, 0);
  const recount = JSON.parse(out) as { selected: string[] };
  assert.deepEqual(
    recount.selected.map(Number),
    results.funded.map((p) => p.number),
  );
  fs.rmSync(dir, { recursive: true });
});
