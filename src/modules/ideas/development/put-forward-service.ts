import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Db } from '../../../platform/db/types.js';
import { Conflict, Forbidden, Invalid } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { DEFAULT_LANGUAGE, translator } from '../../../platform/i18n/i18n.js';
import { can } from '../../../platform/roles/permissions.js';
import { listProcesses, type PbProcess } from '../../budgeting/processes/process-service.js';
import { getProposal, proposalPath, submitProposal } from '../../budgeting/proposals/proposal-service.js';
import { listWards } from '../../wards/ward-service.js';
import { MANAGE } from './development-input.js';
import { getIdea, type IdeaRef, type Site, writeUpdate } from './development-service.js';

const E = 'ideas.development.errors';

/** Phases in which a budget takes proposals (as the budgeting service says: ideas and proposals). */
const TAKING = ['ideas', 'proposals'];

/** Budgeting's categories for the idea's theme, to pre-fill the form. */
const CATEGORY_OF: Record<string, string> = {
  'green-spaces': 'green-spaces',
  environment: 'green-spaces',
  'streets-and-travel': 'streets-and-transport',
  'sport-and-play': 'play-and-sport',
  'young-people': 'play-and-sport',
  'community-spaces': 'community-spaces',
  'high-streets': 'community-spaces',
  'arts-and-culture': 'arts-and-culture',
};

export type PutForward = { processTitle: string; processSlug: string; number: number; url: string };

/** Budgets taking proposals now, in the idea's place. */
export async function openProcesses(ctx: ServiceContext): Promise<PbProcess[]> {
  if (!ctx.place.modules.includes('budgeting')) return [];
  return (await listProcesses(ctx)).filter((p) => !p.lockedAt && TAKING.includes(p.phase));
}

async function mustLead(ctx: ServiceContext, idea: IdeaRef) {
  if (!ctx.actor) throw new Forbidden();
  if (can(ctx.actor, MANAGE) || idea.authorId === ctx.actor.userId) return;
  const rows = await ctx.db.query(
    'select 1 from idea_team_members where idea_id = $1 and user_id = $2 and is_lead',
    [idea.id, ctx.actor.userId],
  );
  if (!rows.length) throw new Forbidden();
}

/** The proposals this idea became, with links to them (public). */
export async function putForwardOf(ctx: ServiceContext, idea: IdeaRef): Promise<PutForward[]> {
  const rows = await ctx.db.query<{ process_id: string; proposal_number: number }>(
    'select process_id, proposal_number from idea_pb_proposals where idea_id = $1 order by created_at',
    [idea.id],
  );
  if (!rows.length || !ctx.place.modules.includes('budgeting')) return [];
  const processes = new Map((await listProcesses(ctx)).map((p) => [p.id, p]));
  return rows.flatMap((r) => {
    const p = processes.get(r.process_id);
    return p
      ? [
          {
            processTitle: p.title,
            processSlug: p.slug,
            number: r.proposal_number,
            url: proposalPath(ctx.place.slug, p.slug, r.proposal_number),
          },
        ]
      : [];
  });
}

/** The form, filled in from the idea: the author changes what they need to. */
export async function putForwardForm(ctx: ServiceContext, ideaId: string) {
  const idea = await getIdea(ctx, ideaId);
  await mustLead(ctx, idea);
  if (!idea.published) throw new Conflict(`${E}.notPublished`);
  const [processes, wards] = await Promise.all([openProcesses(ctx), listWards(ctx)]);
  const ward = wards.find((w) => w.code === idea.wardCode);
  const only = processes.length === 1 ? (processes[0] as PbProcess) : null;
  // A budget for another ward takes proposals only for its own: leave the ward to it.
  const wardSlug = only?.wardCode && only.wardCode !== idea.wardCode ? '' : (ward?.slug ?? '');
  const values: Record<string, string> = {
    process: only?.slug ?? '',
    title: idea.title,
    summary: idea.summary.length > 300 ? `${idea.summary.slice(0, 297)}…` : idea.summary,
    description: [idea.summary, idea.whoItHelps].filter(Boolean).join('\n\n').slice(0, 5000),
    ward: wardSlug,
    category: CATEGORY_OF[idea.theme] ?? 'other',
    location: idea.area || ward?.name || '',
  };
  return { idea, processes, wards, values };
}

/**
 * A lead puts the idea forward to a budget taking proposals: the proposal is made by the
 * budgeting service, as this person, inside this transaction, and the link is kept with it.
 * The budgeting service's own checks (phase, costs, ward) come back as field errors.
 */
export async function putForward(
  ctx: ServiceContext,
  site: Site,
  ideaId: string,
  raw: unknown,
): Promise<PutForward> {
  const idea = await getIdea(ctx, ideaId);
  await mustLead(ctx, idea);
  if (!idea.published) throw new Conflict(`${E}.notPublished`);
  const fields = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const slug = typeof fields.process === 'string' ? fields.process.trim() : '';
  const process = (await listProcesses(ctx)).find((p) => p.slug === slug);
  if (!process) throw new Invalid({ process: `${E}.processMissing` });
  return withTransaction(ctx.db, async (tx) => {
    const inTx: ServiceContext = { ...ctx, db: tx as unknown as Db };
    const already = await tx.query('select 1 from idea_pb_proposals where idea_id = $1 and process_id = $2', [
      idea.id,
      process.id,
    ]);
    if (already.length) throw new Invalid({ process: `${E}.alreadyPutForward` });
    let number: number;
    try {
      number = await submitProposal(inTx, process.slug, { ...fields, group: '' });
    } catch (error) {
      // The budget has stopped taking proposals (or never did).
      if (error instanceof Conflict) throw new Invalid({ process: error.message });
      throw error;
    }
    const proposal = await getProposal(inTx, process.slug, number);
    await tx.query(
      `insert into idea_pb_proposals (idea_id, process_id, proposal_id, proposal_number, created_by)
       values ($1, $2, $3, $4, $5)`,
      [idea.id, process.id, proposal.id, number, ctx.actor?.userId ?? null],
    );
    const url = proposalPath(ctx.place.slug, process.slug, number);
    // Followers hear of it as an update from the team (in the place's first language).
    await writeUpdate(tx, ctx, site, idea, {
      kind: 'note',
      body: translator(DEFAULT_LANGUAGE)('ideas.development.updates.putForwardBody', {
        process: process.title,
        url: `${site.publicUrl}${url}`,
      }),
    });
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'ideas.put-forward',
      targetType: 'idea',
      targetId: idea.id,
      after: { process: process.slug, proposal: proposal.id, number },
      requestId: ctx.requestId ?? null,
    });
    return {
      processTitle: process.title,
      processSlug: process.slug,
      number,
      url,
    };
  });
}
