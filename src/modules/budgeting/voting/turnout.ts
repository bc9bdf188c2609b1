import type { Db, Tx } from '../../../platform/db/types.js';
import type { VerificationMethod } from '../processes/process-input.js';
import type { PbProcess } from '../processes/process-service.js';
import { AGE_BANDS } from '../verification/voter-service.js';

export const METHODS: readonly VerificationMethod[] = ['email', 'letter', 'register', 'in-person'];

/** People on the register and how many of them have voted in this round. */
export type Participation = { verified: number; voted: number };

export type TurnoutGroup = Participation & {
  /** Counted paper ballots that gave this ward or age band (papers carry no name). */
  paperBallots: number;
};

export type Turnout = {
  round: number;
  /** What is in the ballot box this round, by how it was cast. */
  ballots: { online: number; paper: number; total: number };
  /** The register, by how people were verified. */
  register: Participation & { byMethod: Record<VerificationMethod, Participation> };
  byWard: ({ wardCode: string | null } & TurnoutGroup)[];
  byAgeBand: ({ ageBand: string | null } & TurnoutGroup)[];
  papers: { pending: number; mismatch: number; counted: number; spoilt: number };
};

/**
 * Turnout of the current round, online and on paper together. Who took part comes from the
 * register and the papers, never from the ballots, which know nothing of their voters.
 */
export async function turnout(db: Db | Tx, process: Pick<PbProcess, 'id' | 'round'>): Promise<Turnout> {
  const args = [process.id, process.round];
  const ballots = await db.query<{ channel: 'online' | 'paper'; n: number }>(
    'select channel, count(*)::int as n from pb_ballots where process_id = $1 and round = $2 group by channel',
    args,
  );
  // By ward and age band, people who voted on paper are counted from their papers (below), so a
  // register row marked as a paper vote is left out there; by method, everyone on the register.
  const voterCounts = (column: string, onlineOnly: boolean) =>
    db.query<{ key: string | null; verified: number; voted: number }>(
      `select ${column} as key, count(*)::int as verified,
         count(*) filter (where voted and round = $2${onlineOnly ? " and coalesce(channel, 'online') = 'online'" : ''})::int as voted
       from pb_voters where process_id = $1 group by ${column}`,
      args,
    );
  const paperCounts = (column: string) =>
    db.query<{ key: string | null; n: number }>(
      `select ${column} as key, count(*)::int as n from pb_paper_ballots
       where process_id = $1 and round = $2 and status = 'counted' group by ${column}`,
      args,
    );
  const [byMethod, byWard, byAge, paperWard, paperAge, papers] = [
    await voterCounts('method', false),
    await voterCounts('ward_code', true),
    await voterCounts('age_band', true),
    await paperCounts('ward_code'),
    await paperCounts('age_band'),
    await db.query<{ status: keyof Turnout['papers']; n: number }>(
      'select status, count(*)::int as n from pb_paper_ballots where process_id = $1 and round = $2 group by status',
      args,
    ),
  ];
  const online = ballots.find((b) => b.channel === 'online')?.n ?? 0;
  const paper = ballots.find((b) => b.channel === 'paper')?.n ?? 0;
  const methods = Object.fromEntries(
    METHODS.map((m) => {
      const r = byMethod.find((x) => x.key === m);
      return [m, { verified: r?.verified ?? 0, voted: r?.voted ?? 0 }];
    }),
  ) as Record<VerificationMethod, Participation>;

  function groups(
    voters: typeof byWard,
    paperRows: typeof paperWard,
    order: (a: string | null, b: string | null) => number,
  ) {
    const keys = new Set<string | null>([...voters.map((v) => v.key), ...paperRows.map((r) => r.key)]);
    return [...keys].sort(order).map((key) => {
      const v = voters.find((x) => x.key === key);
      return {
        key,
        verified: v?.verified ?? 0,
        voted: v?.voted ?? 0,
        paperBallots: paperRows.find((x) => x.key === key)?.n ?? 0,
      };
    });
  }
  // Unknown (null) last; wards by code, age bands youngest first.
  const byCode = (a: string | null, b: string | null) =>
    a === b ? 0 : a === null ? 1 : b === null ? -1 : a.localeCompare(b);
  const bandIndex = (x: string | null) => (x === null ? 99 : (AGE_BANDS as readonly string[]).indexOf(x));
  const byBand = (a: string | null, b: string | null) => bandIndex(a) - bandIndex(b);

  return {
    round: process.round,
    ballots: { online, paper, total: online + paper },
    register: {
      verified: byMethod.reduce((s, r) => s + r.verified, 0),
      voted: byMethod.reduce((s, r) => s + r.voted, 0),
      byMethod: methods,
    },
    byWard: groups(byWard, paperWard, byCode).map(({ key, ...g }) => ({ wardCode: key, ...g })),
    byAgeBand: groups(byAge, paperAge, byBand).map(({ key, ...g }) => ({ ageBand: key, ...g })),
    papers: {
      pending: papers.find((r) => r.status === 'pending')?.n ?? 0,
      mismatch: papers.find((r) => r.status === 'mismatch')?.n ?? 0,
      counted: papers.find((r) => r.status === 'counted')?.n ?? 0,
      spoilt: papers.find((r) => r.status === 'spoilt')?.n ?? 0,
    },
  };
}
