import type { Db, Tx } from '../../../platform/db/types.js';
import type { PbProcess } from '../processes/process-service.js';
import { METHODS, turnout } from '../voting/turnout.js';

/**
 * Who voted, as the results page and its JSON show it: ballots by channel, and voters (online
 * from the register, paper from what they wrote on their papers) by ward, age band and way of
 * checking. Built from the one turnout count (voting/turnout.ts), which never joins a ballot
 * to a voter.
 */
export type Turnout = {
  ballots: number;
  /** People verified to vote in this round. */
  verified: number;
  byChannel: { channel: 'online' | 'paper'; ballots: number }[];
  /** null: not given. */
  byWard: { wardCode: string | null; wardName: string | null; voters: number }[];
  byAgeBand: { ageBand: string | null; voters: number }[];
  byMethod: { method: string; voters: number }[];
};

export async function turnoutSummary(
  db: Db | Tx,
  process: Pick<PbProcess, 'id' | 'round'>,
): Promise<Turnout> {
  const t = await turnout(db, process);
  const names = new Map(
    (
      await db.query<{ code: string; name: string }>(
        'select w.code, w.name from wards w join pb_processes p on p.place_id = w.place_id where p.id = $1',
        [process.id],
      )
    ).map((w) => [w.code, w.name]),
  );
  const voters = (g: { voted: number; paperBallots: number }) => g.voted + g.paperBallots;
  return {
    ballots: t.ballots.total,
    verified: t.register.verified,
    byChannel: (['online', 'paper'] as const)
      .map((channel) => ({ channel, ballots: t.ballots[channel] }))
      .filter((c) => c.ballots > 0),
    byWard: t.byWard
      .map((w) => ({
        wardCode: w.wardCode,
        wardName: w.wardCode ? (names.get(w.wardCode) ?? null) : null,
        voters: voters(w),
      }))
      .filter((w) => w.voters > 0)
      .sort((a, b) => (a.wardName ?? '\uffff').localeCompare(b.wardName ?? '\uffff')),
    byAgeBand: t.byAgeBand
      .map((a) => ({ ageBand: a.ageBand, voters: voters(a) }))
      .filter((a) => a.voters > 0),
    byMethod: METHODS.map((method) => ({ method, voters: t.register.byMethod[method].voted })).filter(
      (m) => m.voters > 0,
    ),
  };
}
