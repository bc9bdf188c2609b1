import type { BallotRules } from '../../../lib/pb-ballot/ballot-rules.js';
import type { Db, Tx } from '../../../platform/db/types.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { ballotRulesOf, getProcess, type PbProcess } from '../processes/process-service.js';
import type { AgeBand, Voter } from '../verification/voter-service.js';
import type { BallotProject } from './voting-service.js';

/**
 * The ballot's public part (the process, its rules and its projects) kept in memory between
 * requests, so the busiest page of a vote needs one query rather than five: every request still
 * reads a stamp of the rows the ballot is made from, with the person's own register row, and
 * reuses what it holds only while the stamp is the same. Nothing personal is kept here.
 *
 * The stamp is made of row versions (PostgreSQL's `xmin`, which every UPDATE changes, while
 * the row locks a cast takes do not): the process row, its ward's row, its vote stops and its
 * feasible proposals, ids and versions together, so a change, an addition or a removal by any
 * code path, even plain SQL, gives a new stamp at once.
 */

/** The ballot as held between requests. Shared: never change it. */
export type BallotSnapshot = {
  process: PbProcess;
  projects: BallotProject[];
  rules: BallotRules;
  processStamp: string;
  /** The process row's version alone (a cast needs no more of the stamp). */
  processVersion: string;
  projectsStamp: string;
  /** The empty ballot fields by language: their view and rendered HTML (see voting-routes.ts). */
  fields: Map<string, { view: unknown; html: string }>;
};

const LIMIT = 200;
const held = new WeakMap<Db | Tx, Map<string, BallotSnapshot>>();

/** The version of the ballot's projects: the feasible proposals' ids and row versions. */
export const PROJECTS_STAMP = `(select md5(coalesce(string_agg(b.id::text || ':' || b.xmin::text, ',' order by b.id), ''))
      from pb_proposals b where b.process_id = p.id and b.status = 'feasible')`;

const PROCESS_STAMP = `md5(concat_ws('|', p.xmin::text, w.xmin::text,
      (select string_agg(s.id::text || ':' || s.xmin::text, ',' order by s.id)
         from pb_vote_stops s where s.process_id = p.id)))`;

type StampRow = {
  id: string;
  process_version: string;
  process_stamp: string;
  projects_stamp: string;
  voter_id: string | null;
  method: Voter['method'] | null;
  ward_code: string | null;
  age_band: AgeBand | null;
  round: number | null;
  voted: boolean | null;
};

/**
 * The snapshot last read for a process, without asking the database: possibly out of date, so
 * only for a use that proves it current (castIfUnchanged).
 */
export function heldSnapshot(ctx: ServiceContext, slug: string): BallotSnapshot | null {
  return held.get(ctx.db)?.get(`${ctx.place.id}/${slug}`) ?? null;
}

/**
 * The process's ballot and the signed-in person's register row, in one query when the ballot
 * has not changed since it was last read (getProcess's NotFound when there is no such process).
 */
export async function ballotSnapshot(
  ctx: ServiceContext,
  slug: string,
  read: (db: Db, processId: string) => Promise<BallotProject[]>,
): Promise<{ snapshot: BallotSnapshot; voter: Voter | null }> {
  const rows = await ctx.db.query<StampRow>(
    `select p.id, p.xmin::text as process_version, ${PROCESS_STAMP} as process_stamp, ${PROJECTS_STAMP} as projects_stamp,
            v.id as voter_id, v.method, v.ward_code, v.age_band, v.round, v.voted
     from pb_processes p
       left join wards w on w.place_id = p.place_id and w.code = p.ward_code
       left join pb_voters v on v.process_id = p.id and v.user_id = $3
     where p.place_id = $1 and p.slug = $2`,
    [ctx.place.id, slug, ctx.actor?.userId ?? null],
  );
  const r = rows[0];
  if (!r) {
    await getProcess(ctx, slug); // NotFound, worded as everywhere else
    throw new Error(`the process "${slug}" vanished while being read`);
  }
  const voter: Voter | null = r.voter_id
    ? {
        id: r.voter_id,
        method: r.method as Voter['method'],
        wardCode: r.ward_code,
        ageBand: r.age_band,
        round: r.round as number,
        voted: r.voted as boolean,
      }
    : null;
  const key = `${ctx.place.id}/${slug}`;
  let byKey = held.get(ctx.db);
  const had = byKey?.get(key);
  if (had && had.processStamp === r.process_stamp && had.projectsStamp === r.projects_stamp)
    return { snapshot: had, voter };
  // Read after the stamp, so what is kept is never older than the stamp it is kept under.
  const process = await getProcess(ctx, slug);
  const projects = await read(ctx.db, process.id);
  const snapshot: BallotSnapshot = {
    process,
    projects,
    rules: ballotRulesOf(process),
    processStamp: r.process_stamp,
    processVersion: r.process_version,
    projectsStamp: r.projects_stamp,
    fields: new Map(),
  };
  if (!byKey) {
    byKey = new Map();
    held.set(ctx.db, byKey);
  }
  byKey.delete(key);
  byKey.set(key, snapshot);
  if (byKey.size > LIMIT) byKey.delete(byKey.keys().next().value as string);
  return { snapshot, voter };
}
