import { Invalid } from '../../../platform/http/errors.js';
import type { SeedContext } from '../../../platform/module-definition.js';
import { DEMO_FINISHED_SLUG } from '../seed/demo-assemblies.js';
import {
  drawReplacement,
  latestRun,
  publishSelection,
  recordDropout,
  runSelection,
  SelectionInfeasible,
} from './selection-service.js';

/** The demo's public numbers: as if rolled on camera with three ten-sided dice. */
export const DEMO_RANDOM_NUMBER = 417;
/**
 * The demo pool solves in seconds; the lottery's rounding would search for its full 20 s to
 * shave the last fraction of 1/m, which only slows every fresh demo and test database.
 */
const DEMO_LIMITS = { timeLimitSeconds: 30, lotteryTimeLimitSeconds: 2 };
export const DEMO_REPLACEMENT_NUMBER = 256;

/**
 * The demo's finished assembly shows a finished, published selection: the panel drawn with a
 * public number from the respondents recruitment registered, and one member who dropped out and
 * was replaced. It runs after recruitment's seed and does nothing until there are respondents
 * (or when the selection is already there), so it can run again safely.
 */
export async function seedSelection(ctx: SeedContext): Promise<void> {
  if (ctx.place.slug !== 'trafford') return;
  const [assembly] = await ctx.db.query<{ id: string; status: string }>(
    'select id, status from assemblies where place_id = $1 and slug = $2',
    [ctx.place.id, DEMO_FINISHED_SLUG],
  );
  if (!assembly) return;
  // The services act as an assigned officer: the first one assigned, else a place admin.
  const [officer] = await ctx.db.query<{ user_id: string }>(
    `select user_id from (
       select user_id, 0 as rank, assigned_at as at from assembly_officers where assembly_id = $1
       union all
       select user_id, 1, granted_at from role_assignments where place_id = $2 and role = 'place-admin'
     ) o order by rank, at limit 1`,
    [assembly.id, ctx.place.id],
  );
  if (!officer) return;
  const service = {
    db: ctx.db,
    place: ctx.place,
    actor: {
      userId: officer.user_id,
      roles: ['officer', 'place-admin', 'resident'] as const,
      platformAdmin: false,
    },
  };
  const noEmail = { site: null };

  if (!(await latestRun(ctx.db, assembly.id))) {
    const [pool] = await ctx.db.query<{ n: string }>(
      "select count(*) as n from assembly_respondents where assembly_id = $1 and status = 'registered'",
      [assembly.id],
    );
    if (!Number(pool?.n)) return;
    // A demo pool of a hundred or two takes seconds to solve; the limit only guards the seed.
    try {
      await runSelection(service, DEMO_FINISHED_SLUG, DEMO_LIMITS);
    } catch (error) {
      // Demo respondents that cannot fill the demo quotas are a mismatch between the seeds, not a
      // reason to stop the rest of the demo from loading.
      if (!(error instanceof Invalid)) throw error;
      const conflicts = error instanceof SelectionInfeasible ? `: ${error.conflicts.join('; ')}` : '';
      ctx.log(`The demo assembly's panel could not be chosen${conflicts}`);
      return;
    }
    ctx.log('Ran the demo assembly selection');
  }
  const run = await latestRun(ctx.db, assembly.id);
  if (run && !run.publishedAt) {
    await publishSelection(service, noEmail, DEMO_FINISHED_SLUG, {
      randomKind: 'number',
      randomNumber: String(DEMO_RANDOM_NUMBER),
    });
    ctx.log(`Drew the demo assembly panel with the number ${DEMO_RANDOM_NUMBER}`);
  }
  if (!run) return;

  const [dropouts] = await ctx.db.query<{ n: string }>(
    'select count(*) as n from assembly_dropouts where assembly_id = $1',
    [assembly.id],
  );
  if (!Number(dropouts?.n)) {
    // Not every member can be replaced within the quotas (the pool may hold nobody else with what
    // the panel needs): the demo drops out a member with a like-for-like respondent left in the
    // pool, from another household than every member's, so the seat can always be filled.
    const [member] = await ctx.db.query<{ reference: string }>(
      `select m.reference from assembly_respondents m
       where m.assembly_id = $1 and m.status = 'selected'
         and exists (
           select 1 from assembly_respondents o
           where o.assembly_id = $1 and o.status = 'not-selected' and o.features = m.features
             and not exists (
               select 1 from assembly_respondents s
               where s.assembly_id = $1 and s.status = 'selected' and s.household = o.household and s.household <> ''))
       order by m.reference limit 1`,
      [assembly.id],
    );
    if (member) {
      const outcome = await recordDropout(
        service,
        DEMO_FINISHED_SLUG,
        {
          member: member.reference,
          reason: 'Started a new job with weekend shifts and cannot come to the sessions.',
        },
        DEMO_LIMITS,
      );
      if (outcome.kind === 'unfillable') {
        ctx.log(`The demo drop-out could not be replaced: ${outcome.conflicts.join('; ')}`);
      } else {
        await drawReplacement(service, noEmail, DEMO_FINISHED_SLUG, {
          randomKind: 'number',
          randomNumber: String(DEMO_REPLACEMENT_NUMBER),
        });
        ctx.log(`Replaced demo assembly member ${member.reference}`);
      }
    }
  }
  // A later stage set by an earlier seed (the assembly has finished) is kept.
  if (assembly.status === 'finished') {
    await ctx.db.query("update assemblies set status = 'finished' where id = $1", [assembly.id]);
  }
}
