import type { Db, Tx } from '../../../platform/db/types.js';
import { AGE_BANDS } from '../verification/voter-service.js';

/**
 * Who voted, in figures only: ballots by channel (from the ballot box), and by ward, age band and
 * way of checking (from the voter-has-voted register and the counted paper ballots). Nothing here
 * joins a ballot to a voter: the two sides are counted apart.
 */
export type Turnout = {
  ballots: number;
  /** People verified to vote in this round, and how many of them voted online or on paper. */
  verified: number;
  byChannel: { channel: 'online' | 'paper'; ballots: number }[];
  /** Voters whose ward is known, online (register) and paper (as written on the paper); null: not given. */
  byWard: { wardCode: string | null; wardName: string | null; voters: number }[];
  byAgeBand: { ageBand: string | null; voters: number }[];
  /** How voters were checked (email, letter, register, in-person), online voters and paper alike. */
  byMethod: { method: string; voters: number }[];
};

export async function turnout(db: Db | Tx, processId: string, round: number): Promise<Turnout> {
  const [ballots, verified, byChannel, byWard, byAgeBand, byMethod] = await Promise.all([
    db.query<{ n: number }>(
      'select count(*)::int as n from pb_ballots where process_id = $1 and round = $2',
      [processId, round],
    ),
    db.query<{ n: number }>('select count(*)::int as n from pb_voters where process_id = $1 and round = $2', [
      processId,
      round,
    ]),
    db.query<{ channel: 'online' | 'paper'; n: number }>(
      `select channel, count(*)::int as n from pb_ballots where process_id = $1 and round = $2
       group by channel order by channel`,
      [processId, round],
    ),
    // Online voters from the register, paper voters from what they wrote on the paper: a paper
    // voter's register row (an in-person check) is left out so no one is counted twice.
    db.query<{ ward_code: string | null; ward_name: string | null; n: number }>(
      `with people as (
         select ward_code from pb_voters
         where process_id = $1 and round = $2 and voted and coalesce(channel, 'online') = 'online'
         union all
         select ward_code from pb_paper_ballots where process_id = $1 and round = $2 and status = 'counted'
       )
       select people.ward_code, w.name as ward_name, count(*)::int as n
       from people
       join pb_processes p on p.id = $1
       left join wards w on w.place_id = p.place_id and w.code = people.ward_code
       group by people.ward_code, w.name
       order by w.name nulls last, people.ward_code nulls last`,
      [processId, round],
    ),
    db.query<{ age_band: string | null; n: number }>(
      `with people as (
         select age_band from pb_voters
         where process_id = $1 and round = $2 and voted and coalesce(channel, 'online') = 'online'
         union all
         select age_band from pb_paper_ballots where process_id = $1 and round = $2 and status = 'counted'
       )
       select age_band, count(*)::int as n from people group by age_band`,
      [processId, round],
    ),
    db.query<{ method: string; n: number }>(
      `select method, count(*)::int as n from pb_voters where process_id = $1 and round = $2 and voted
       group by method order by method`,
      [processId, round],
    ),
  ]);
  const bandOrder = (b: string | null) => (b === null ? AGE_BANDS.length : AGE_BANDS.indexOf(b as never));
  return {
    ballots: ballots[0]?.n ?? 0,
    verified: verified[0]?.n ?? 0,
    byChannel: byChannel.map((r) => ({ channel: r.channel, ballots: r.n })),
    byWard: byWard.map((r) => ({ wardCode: r.ward_code, wardName: r.ward_name, voters: r.n })),
    byAgeBand: byAgeBand
      .map((r) => ({ ageBand: r.age_band, voters: r.n }))
      .sort((a, b) => bandOrder(a.ageBand) - bandOrder(b.ageBand)),
    byMethod: byMethod.map((r) => ({ method: r.method, voters: r.n })),
  };
}
