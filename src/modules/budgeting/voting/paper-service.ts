import type { CastBallot } from '../../../lib/pb-ballot/ballot-rules.js';
import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Tx } from '../../../platform/db/types.js';
import { Conflict, Forbidden, Invalid } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { can } from '../../../platform/roles/permissions.js';
import { getWard } from '../../wards/ward-service.js';
import { ballotRulesOf, getProcess, type PbProcess } from '../processes/process-service.js';
import { VERIFY } from '../verification/verification-common.js';
import { AGE_BANDS, type AgeBand } from '../verification/voter-service.js';
import { unheldReceiptHash } from './receipt.js';
import { ballotProjects, insertBallot, lockOpenRound, validBallot } from './voting-service.js';

/**
 * Paper ballots. Each paper is typed in twice, by two different officers; when the two entries
 * agree the ballot goes into the ballot box, and when they differ the paper waits for a third
 * officer's deciding entry. Papers carry a number, never a name, so their entries (who typed
 * what, when) say nothing about who voted.
 */

export type PaperStatus = 'pending' | 'mismatch' | 'counted' | 'spoilt';

export type PaperEntryInput = {
  paperNumber: string;
  spoilt: boolean;
  cast: CastBallot;
  wardCode: string | null;
  ageBand: string | null;
};

export type PaperEntry = {
  enteredBy: string;
  enteredByName: string;
  projects: string[];
  points: number[] | null;
  spoilt: boolean;
  wardCode: string | null;
  ageBand: string | null;
  deciding: boolean;
  enteredAt: Date;
};

export type Paper = {
  id: string;
  paperNumber: string;
  status: PaperStatus;
  wardCode: string | null;
  ageBand: string | null;
  entries: PaperEntry[];
};

function mustVerify(ctx: ServiceContext): string {
  if (!ctx.actor || !can(ctx.actor, VERIFY)) throw new Forbidden();
  return ctx.actor.userId;
}

/** "0042" and "42" are the same paper. */
export function paperNumberOf(typed: string): string | null {
  const digits = typed.trim();
  if (!/^[0-9]{1,8}$/.test(digits)) return null;
  return String(Number(digits));
}

type Contents = {
  projects: string[];
  points: number[] | null;
  spoilt: boolean;
  wardCode: string | null;
  ageBand: string | null;
};

/** Two entries say the same: the same choices (in order, for ranked ballots), ward and age band. */
export function sameEntry(a: Contents, b: Contents, ranked: boolean): boolean {
  if (a.spoilt !== b.spoilt || a.wardCode !== b.wardCode || a.ageBand !== b.ageBand) return false;
  if (a.spoilt) return true;
  const pairs = (c: Contents) => {
    const list = c.projects.map((id, i) => `${id}:${c.points?.[i] ?? ''}`);
    return ranked ? list : list.sort();
  };
  return JSON.stringify(pairs(a)) === JSON.stringify(pairs(b));
}

async function checkedEntry(ctx: ServiceContext, p: PbProcess, input: PaperEntryInput) {
  const paperNumber = paperNumberOf(input.paperNumber);
  if (!paperNumber) throw new Invalid({ paperNumber: 'budgeting.voting.paper.errors.number' });
  let wardCode: string | null = null;
  if (input.wardCode) {
    try {
      wardCode = (await getWard(ctx, input.wardCode)).code;
    } catch {
      throw new Invalid({ wardCode: 'budgeting.voting.paper.errors.ward' });
    }
  }
  if (input.ageBand && !(AGE_BANDS as readonly string[]).includes(input.ageBand))
    throw new Invalid({ ageBand: 'budgeting.voting.paper.errors.ageBand' });
  const ageBand = (input.ageBand || null) as AgeBand | null;
  const ballot = input.spoilt
    ? { projects: [] as string[] }
    : validBallot(ballotRulesOf(p), await ballotProjects(ctx.db, p.id), input.cast);
  return { paperNumber, wardCode, ageBand, spoilt: input.spoilt, ballot };
}

async function entriesOf(tx: Tx | ServiceContext['db'], paperId: string): Promise<PaperEntry[]> {
  const rows = await tx.query<{
    entered_by: string;
    display_name: string;
    projects: string[];
    points: number[] | null;
    spoilt: boolean;
    ward_code: string | null;
    age_band: string | null;
    deciding: boolean;
    entered_at: Date;
  }>(
    `select e.entered_by, u.display_name, e.projects, e.points, e.spoilt, e.ward_code, e.age_band, e.deciding, e.entered_at
     from pb_paper_entries e join users u on u.id = e.entered_by where e.paper_id = $1 order by e.entered_at, e.id`,
    [paperId],
  );
  return rows.map((r) => ({
    enteredBy: r.entered_by,
    enteredByName: r.display_name,
    projects: r.projects,
    points: r.points,
    spoilt: r.spoilt,
    wardCode: r.ward_code,
    ageBand: r.age_band,
    deciding: r.deciding,
    enteredAt: new Date(r.entered_at),
  }));
}

/**
 * Records one officer's entry of a paper ballot, while voting is open. The first entry waits;
 * the second, by another officer, either agrees (the ballot is counted, or the paper set aside
 * as spoilt) or not (the paper is flagged as a mismatch); an entry on a mismatched paper, by a
 * third officer, decides it. Returns the paper's status after the entry.
 */
export async function enterPaper(
  ctx: ServiceContext,
  slug: string,
  input: PaperEntryInput,
  now = new Date(),
): Promise<{ paperNumber: string; status: PaperStatus }> {
  const userId = mustVerify(ctx);
  const p = await getProcess(ctx, slug);
  const entry = await checkedEntry(ctx, p, input);
  return withTransaction(ctx.db, async (tx) => {
    await lockOpenRound(tx, p, now);
    await tx.query(
      `insert into pb_paper_ballots (process_id, round, paper_number) values ($1, $2, $3)
       on conflict (process_id, round, paper_number) do nothing`,
      [p.id, p.round, entry.paperNumber],
    );
    const paper = (
      await tx.query<{ id: string; status: PaperStatus }>(
        'select id, status from pb_paper_ballots where process_id = $1 and round = $2 and paper_number = $3 for update',
        [p.id, p.round, entry.paperNumber],
      )
    )[0] as { id: string; status: PaperStatus };
    if (paper.status === 'counted' || paper.status === 'spoilt')
      throw new Conflict('budgeting.voting.paper.alreadyDone');
    const before = await entriesOf(tx, paper.id);
    if (before.some((e) => e.enteredBy === userId)) throw new Conflict('budgeting.voting.paper.sameOfficer');
    const deciding = paper.status === 'mismatch';
    const contents: Contents = {
      projects: entry.ballot.projects,
      points: entry.ballot.points ?? null,
      spoilt: entry.spoilt,
      wardCode: entry.wardCode,
      ageBand: entry.ageBand,
    };
    await tx.query(
      `insert into pb_paper_entries (paper_id, entered_by, projects, points, spoilt, ward_code, age_band, deciding)
       values ($1, $2, $3::uuid[], $4::int[], $5, $6, $7, $8)`,
      [
        paper.id,
        userId,
        contents.projects,
        contents.points,
        contents.spoilt,
        contents.wardCode,
        contents.ageBand,
        deciding,
      ],
    );
    let status: PaperStatus = 'pending';
    const first = before[0];
    const agreed =
      deciding || (before.length === 1 && first && sameEntry(first, contents, p.ballotType === 'ranked'));
    if (agreed) {
      status = contents.spoilt ? 'spoilt' : 'counted';
      if (!contents.spoilt) await insertBallot(tx, p, unheldReceiptHash(), 'paper', entry.ballot);
    } else if (before.length >= 1) status = 'mismatch';
    await tx.query('update pb_paper_ballots set status = $2, ward_code = $3, age_band = $4 where id = $1', [
      paper.id,
      status,
      agreed ? contents.wardCode : null,
      agreed ? contents.ageBand : null,
    ]);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: deciding ? 'budgeting.paper.decide' : 'budgeting.paper.enter',
      targetType: 'pb_paper_ballot',
      targetId: paper.id,
      before: { status: paper.status },
      after: { paper: entry.paperNumber, round: p.round, status },
      requestId: ctx.requestId ?? null,
    });
    return { paperNumber: entry.paperNumber, status };
  });
}

/** The round's papers with their entries, optionally of one status, by paper number. */
export async function listPapers(ctx: ServiceContext, slug: string, status?: PaperStatus): Promise<Paper[]> {
  mustVerify(ctx);
  const p = await getProcess(ctx, slug);
  const rows = await ctx.db.query<{
    id: string;
    paper_number: string;
    status: PaperStatus;
    ward_code: string | null;
    age_band: string | null;
  }>(
    `select id, paper_number, status, ward_code, age_band from pb_paper_ballots
     where process_id = $1 and round = $2 and ($3::text is null or status = $3)
     order by paper_number::bigint`,
    [p.id, p.round, status ?? null],
  );
  return Promise.all(
    rows.map(async (r) => ({
      id: r.id,
      paperNumber: r.paper_number,
      status: r.status,
      wardCode: r.ward_code,
      ageBand: r.age_band,
      entries: await entriesOf(ctx.db, r.id),
    })),
  );
}

/** One paper of the current round, or null when nobody has entered it yet. */
export async function getPaper(ctx: ServiceContext, slug: string, number: string): Promise<Paper | null> {
  const n = paperNumberOf(number);
  if (!n) return null;
  mustVerify(ctx);
  const p = await getProcess(ctx, slug);
  const rows = await ctx.db.query<{
    id: string;
    status: PaperStatus;
    ward_code: string | null;
    age_band: string | null;
  }>(
    'select id, status, ward_code, age_band from pb_paper_ballots where process_id = $1 and round = $2 and paper_number = $3',
    [p.id, p.round, n],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id,
    paperNumber: n,
    status: r.status,
    wardCode: r.ward_code,
    ageBand: r.age_band,
    entries: await entriesOf(ctx.db, r.id),
  };
}
