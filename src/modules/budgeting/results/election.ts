import { engineBallotKind } from '../../../lib/pb-ballot/ballot-rules.js';
import type { Election } from '../../../lib/pb-rules/election.js';
import type { Db, Tx } from '../../../platform/db/types.js';
import type { PbProcess } from '../processes/process-service.js';
import { publicBallotId } from '../voting/receipt.js';

/**
 * A process's vote as the counting engine reads it: the feasible proposals in number order (their
 * numbers are the project ids, in the app, the results and the `.pb` file alike), costs and
 * budget in pence (scale 100, GBP), and the current round's ballots.
 */

/** A project on the ballot, with what the results page and the `.pb` file say about it. */
export type BallotProposal = {
  id: string;
  number: number;
  title: string;
  category: string;
  wardCode: string | null;
  wardName: string | null;
  costPence: bigint;
};

/** One ballot as counted: project indexes into the proposals (in the voter's order), points if any. */
export type CountedBallot = {
  publicId: string;
  channel: 'online' | 'paper';
  projects: number[];
  points: number[] | null;
};

/** The proposals on the ballot: the feasible ones, in number order. */
export async function ballotProposals(db: Db | Tx, processId: string): Promise<BallotProposal[]> {
  const rows = await db.query<{
    id: string;
    number: number;
    title: string;
    category: string;
    ward_code: string | null;
    ward_name: string | null;
    cost_pence: string;
  }>(
    `select pr.id, pr.number, pr.title, pr.category, pr.ward_code, w.name as ward_name,
       pr.cost_pence::text as cost_pence
     from pb_proposals pr
     join pb_processes p on p.id = pr.process_id
     left join wards w on w.place_id = p.place_id and w.code = pr.ward_code
     where pr.process_id = $1 and pr.status = 'feasible'
     order by pr.number`,
    [processId],
  );
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    title: r.title,
    category: r.category,
    wardCode: r.ward_code,
    wardName: r.ward_name,
    costPence: BigInt(r.cost_pence),
  }));
}

/** Ballots are read in pages of this many, so a borough-wide vote never sits in one result set. */
const PAGE = 5000;

/**
 * The round's ballots, ordered by their public ids. A project given 0 points, or no longer on
 * the ballot, is left out (a ballot supports only what it gives points to, as the .pb reader does).
 */
export async function countedBallots(
  db: Db | Tx,
  processId: string,
  round: number,
  proposals: readonly BallotProposal[],
): Promise<CountedBallot[]> {
  const index = new Map(proposals.map((p, i) => [p.id, i]));
  const out: CountedBallot[] = [];
  let after = '';
  for (;;) {
    const rows = await db.query<{
      receipt_hash: string;
      channel: 'online' | 'paper';
      projects: string[];
      points: number[] | null;
    }>(
      `select receipt_hash, channel, projects, points from pb_ballots
       where process_id = $1 and round = $2 and receipt_hash > $3
       order by receipt_hash limit ${PAGE}`,
      [processId, round, after],
    );
    for (const r of rows) {
      const projects: number[] = [];
      const points: number[] | null = r.points ? [] : null;
      r.projects.forEach((id, k) => {
        const p = index.get(id);
        const w = r.points?.[k];
        if (p === undefined || (points && !(typeof w === 'number' && w > 0))) return;
        projects.push(p);
        if (points) points.push(w as number);
      });
      out.push({ publicId: publicBallotId(r.receipt_hash), channel: r.channel, projects, points });
    }
    if (rows.length < PAGE) break;
    after = (rows[rows.length - 1] as { receipt_hash: string }).receipt_hash;
  }
  return out.sort((a, b) => (a.publicId < b.publicId ? -1 : a.publicId > b.publicId ? 1 : 0));
}

/** The engine's election from proposals and ballots already read. */
export function electionFrom(
  process: Pick<PbProcess, 'ballotType' | 'budgetPence'>,
  proposals: readonly BallotProposal[],
  ballots: readonly CountedBallot[],
): Election {
  const kind = engineBallotKind(process.ballotType);
  const offsets = new Uint32Array(ballots.length + 1);
  let total = 0;
  ballots.forEach((b, v) => {
    total += b.projects.length;
    offsets[v + 1] = total;
  });
  const approvals = new Uint32Array(total);
  const points = kind === 'cumulative' ? new Uint32Array(total) : null;
  ballots.forEach((b, v) => {
    approvals.set(b.projects, offsets[v]);
    if (points) points.set(b.points ?? b.projects.map(() => 1), offsets[v]);
  });
  return {
    budget: process.budgetPence,
    scale: 100n,
    currency: 'GBP',
    projects: proposals.map((p) => ({ id: String(p.number), name: p.title, cost: p.costPence })),
    ballotKind: kind,
    voters: ballots.length,
    offsets,
    approvals,
    points,
  };
}

/** Everything a count or an export needs, read from the database for the process's current round. */
export async function processElection(db: Db | Tx, process: PbProcess) {
  const proposals = await ballotProposals(db, process.id);
  const ballots = await countedBallots(db, process.id, process.round, proposals);
  return { proposals, ballots, election: electionFrom(process, proposals, ballots) };
}
