import { pbPerson, processFields } from '../../../../test/helpers/pb-process.js';
import type { Db } from '../../../platform/db/types.js';
import { createProcess, getProcess, movePhase } from '../processes/process-service.js';
import { type AgeBand, registerEmailVoter } from '../verification/voter-service.js';

/** For the voting tests: a process open for voting with feasible proposals costing `costs`. */
export async function openVote(db: Db, options: { changes?: Record<string, string>; costs?: number[] } = {}) {
  const officer = await pbPerson(db, ['officer']);
  const slug = await createProcess(officer.ctx, processFields(options.changes));
  const process = await getProcess(officer.ctx, slug);
  const ids: string[] = [];
  for (const [i, cost] of (options.costs ?? [1_000_000, 2_000_000, 3_000_000, 4_000_000]).entries()) {
    const rows = await db.query<{ id: string }>(
      `insert into pb_proposals (process_id, number, title, summary, cost_pence, status)
       values ($1, $2, $3, 'A project for the test', $4, 'feasible') returning id`,
      [process.id, i + 1, `Project ${i + 1}`, cost],
    );
    ids.push(rows[0]?.id as string);
  }
  await movePhase(officer.ctx, slug, 'voting');
  return { officer, slug, process: await getProcess(officer.ctx, slug), ids };
}

/** A resident verified to vote in the process (by email declaration). */
export async function verifiedVoter(
  db: Db,
  slug: string,
  about: { wardCode?: string | null; ageBand?: AgeBand | null } = {},
) {
  const person = await pbPerson(db);
  await registerEmailVoter(person.ctx, slug, { livesInArea: true, oldEnough: true, ...about });
  return person;
}
