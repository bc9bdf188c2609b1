import { randomBytes } from 'node:crypto';
import type { Db } from '../../../platform/db/types.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { createProcess, getProcess, movePhase } from '../processes/process-service.js';

/**
 * Test fixtures for the results and delivery tests: a process in its voting phase with feasible
 * proposals, and ballots put straight into the ballot box (until the voting service is merged,
 * when the tests should cast them through it instead).
 */

/** `ward` is a ward's slug (e.g. altrincham). */
export type FixtureProject = { cost: number; title?: string; ward?: string | null; category?: string };

/** A process in voting (from the officer's filled-in form) with the given projects, numbered 1, 2, … (costs in pence). */
export async function votingProcess(
  officer: ServiceContext,
  fields: Record<string, string>,
  projects: FixtureProject[],
): Promise<{ slug: string; id: string; proposalIds: string[] }> {
  const slug = await createProcess(officer, fields);
  const p = await getProcess(officer, slug);
  const proposalIds: string[] = [];
  for (const [i, pr] of projects.entries()) {
    const rows = await officer.db.query<{ id: string }>(
      `insert into pb_proposals (process_id, number, title, summary, cost_pence, status, ward_code, category)
       values ($1, $2, $3, 'A project', $4, 'feasible',
         (select code from wards where place_id = $7 and slug = $5), $6) returning id`,
      [
        p.id,
        i + 1,
        pr.title ?? `Project ${i + 1}`,
        pr.cost,
        pr.ward ?? null,
        pr.category ?? '',
        officer.place.id,
      ],
    );
    proposalIds.push(rows[0]?.id as string);
  }
  await movePhase(officer, slug, 'voting');
  return { slug, id: p.id, proposalIds };
}

/** Puts ballots in the box: each a list of project numbers (1-based), with points for cumulative. */
export async function castBallots(
  db: Db,
  process: { id: string; proposalIds: string[] },
  ballots: Array<number[] | { projects: number[]; points: number[] }>,
  options: { round?: number; channel?: 'online' | 'paper' } = {},
): Promise<void> {
  for (const b of ballots) {
    const numbers = Array.isArray(b) ? b : b.projects;
    await db.query(
      `insert into pb_ballots (process_id, round, receipt_hash, channel, projects, points)
       values ($1, $2, $3, $4, $5::uuid[], $6::int[])`,
      [
        process.id,
        options.round ?? 1,
        randomBytes(16).toString('hex'),
        options.channel ?? 'online',
        numbers.map((n) => process.proposalIds[n - 1] as string),
        Array.isArray(b) ? null : b.points,
      ],
    );
  }
}
