import { z } from 'zod';
import { audit } from '../audit/audit.js';
import { withTransaction } from '../db/transaction.js';
import type { Db, Tx } from '../db/types.js';
import { wants } from '../email/notification-types.js';
import { queueEmail } from '../email/outbox.js';
import { Forbidden, Invalid, NotFound } from '../http/errors.js';
import { rateLimit } from '../http/rate-limit.js';
import type { Place } from '../places/place-service.js';
import { type Actor, can } from '../roles/permissions.js';

/**
 * Moderation every posting module gets for free: pre-moderation of a new account's first
 * posts, reports, hiding with a reason the author sees, appeals, and spam defences.
 * Modules register their posts here and ask here what may be shown.
 */
export type ModerationContext = {
  db: Db;
  place: Place & { premoderateFirstPosts?: number };
  actor: Actor | null;
  requestId: string;
};
export type ItemStatus = 'pending' | 'published' | 'hidden';

const LINK = /\b(?:https?:\/\/|www\.)\S+/gi;
const NEW_ACCOUNT_DAYS = 7;

type StatusListener = (
  tx: Tx,
  change: { placeId: string; contentId: string; status: ItemStatus },
) => Promise<void>;
const listeners = new Map<string, StatusListener>();

/**
 * A module asks to hear when a moderator publishes or hides one of its posts, so that what
 * it derives from the post (a search entry, a feed) follows in the same transaction.
 */
export function onModerationStatusChange(
  module: string,
  contentType: string,
  listener: StatusListener,
): void {
  listeners.set(`${module}/${contentType}`, listener);
}

async function statusChanged(
  tx: Tx,
  item: { module: string; content_type: string; content_id: string; place_id: string },
  status: ItemStatus,
) {
  await listeners.get(`${item.module}/${item.content_type}`)?.(tx, {
    placeId: item.place_id,
    contentId: item.content_id,
    status,
  });
}

export function countLinks(text: string): number {
  return text.match(LINK)?.length ?? 0;
}

async function publishedCount(db: Db | Tx, placeId: string, authorId: string): Promise<number> {
  const rows = await db.query<{ n: number }>(
    "select count(*)::int as n from moderation_items where place_id = $1 and author_id = $2 and status = 'published'",
    [placeId, authorId],
  );
  return rows[0]?.n ?? 0;
}

async function placeSettings(db: Db | Tx, placeId: string) {
  const rows = await db.query<{ premoderate_first_posts: number }>(
    'select premoderate_first_posts from places where id = $1',
    [placeId],
  );
  return { premoderateFirstPosts: rows[0]?.premoderate_first_posts ?? 1 };
}

/**
 * Spam defences, checked before a module writes a post. Returns 'drop' for a bot caught by
 * the honeypot (the module pretends all went well and keeps nothing); throws a friendly 429
 * past the posting limits, or a field error when a new account posts too many links.
 */
export async function checkPosting(
  ctx: ModerationContext,
  post: { ip: string; text: string; honeypot?: unknown; field?: string },
): Promise<'ok' | 'drop'> {
  if (typeof post.honeypot === 'string' && post.honeypot !== '') return 'drop';
  const userId = ctx.actor?.userId;
  if (!userId) throw new Forbidden();
  await rateLimit(ctx.db, `post:account:${userId}`, 10, 3_600_000);
  await rateLimit(ctx.db, `post:ip:${post.ip}`, 30, 3_600_000);
  const rows = await ctx.db.query<{ created_at: Date }>('select created_at from users where id = $1', [
    userId,
  ]);
  const ageDays = (Date.now() - new Date(rows[0]?.created_at ?? Date.now()).getTime()) / 86_400_000;
  const isNew = ageDays < NEW_ACCOUNT_DAYS || (await publishedCount(ctx.db, ctx.place.id, userId)) < 3;
  if (isNew && countLinks(post.text) > 1)
    throw new Invalid({ [post.field ?? 'text']: 'moderation.errors.tooManyLinks' });
  return 'ok';
}

/** Registers a new post; the first posts of a new account wait for a moderator. */
export async function registerPost(
  tx: Tx,
  ctx: ModerationContext,
  post: { module: string; contentType: string; contentId: string; summary: string; url: string },
): Promise<ItemStatus> {
  const authorId = ctx.actor?.userId ?? null;
  const { premoderateFirstPosts } = await placeSettings(tx, ctx.place.id);
  const trusted = ctx.actor?.roles.some((r) => r === 'officer' || r === 'place-admin') ?? false;
  const status: ItemStatus =
    !trusted && authorId && (await publishedCount(tx, ctx.place.id, authorId)) < premoderateFirstPosts
      ? 'pending'
      : 'published';
  await tx.query(
    `insert into moderation_items (place_id, module, content_type, content_id, author_id, summary, url, status)
     values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      ctx.place.id,
      post.module,
      post.contentType,
      post.contentId,
      authorId,
      post.summary.slice(0, 300),
      post.url,
      status,
    ],
  );
  await audit(tx, {
    placeId: ctx.place.id,
    actorId: authorId,
    action: 'moderation.submit',
    targetType: post.contentType,
    targetId: post.contentId,
    after: { status },
    requestId: ctx.requestId,
  });
  return status;
}

/** What may be shown: modules ask for the status of their posts by id (and the item, to report it). */
export async function statusOf(
  db: Db | Tx,
  placeId: string,
  module: string,
  contentType: string,
  ids: string[],
): Promise<Map<string, { itemId: string; status: ItemStatus; hiddenReason: string | null }>> {
  if (!ids.length) return new Map();
  const rows = await db.query<{
    id: string;
    content_id: string;
    status: ItemStatus;
    hidden_reason: string | null;
  }>(
    `select id, content_id, status, hidden_reason from moderation_items
     where place_id = $1 and module = $2 and content_type = $3 and content_id = any($4::text[])`,
    [placeId, module, contentType, ids],
  );
  return new Map(
    rows.map((r) => [r.content_id, { itemId: r.id, status: r.status, hiddenReason: r.hidden_reason }]),
  );
}

export const ReportForm = z.object({
  reason: z.enum(
    ['spam', 'offensive', 'personal-information', 'illegal', 'other'],
    'moderation.errors.reasonMissing',
  ),
  details: z.string().trim().max(2000, 'moderation.errors.detailsTooLong').default(''),
});

export async function reportItem(
  ctx: ModerationContext,
  itemId: string,
  input: z.infer<typeof ReportForm>,
): Promise<void> {
  if (!can(ctx.actor, 'moderation.report')) throw new Forbidden();
  const data = ReportForm.parse(input);
  await withTransaction(ctx.db, async (tx) => {
    const item = await tx.query('select 1 from moderation_items where id = $1 and place_id = $2', [
      itemId,
      ctx.place.id,
    ]);
    if (!item.length) throw new NotFound('No such post');
    await tx.query(
      'insert into moderation_reports (place_id, item_id, reporter_id, reason, details) values ($1, $2, $3, $4, $5)',
      [ctx.place.id, itemId, ctx.actor?.userId ?? null, data.reason, data.details],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'moderation.report',
      targetType: 'moderation-item',
      targetId: itemId,
      after: data,
      requestId: ctx.requestId,
    });
  });
}

export const DecisionForm = z
  .object({
    itemId: z.uuid('moderation.errors.itemMissing'),
    decision: z.enum(['publish', 'hide'], 'moderation.errors.decisionMissing'),
    reason: z.string().trim().max(1000, 'moderation.errors.detailsTooLong').default(''),
  })
  .refine((d) => d.decision === 'publish' || d.reason.length > 0, {
    path: ['reason'],
    message: 'moderation.errors.reasonForHiding',
  });

/** A moderator publishes or hides a post; a hidden post's author is told why and may appeal. */
export async function decide(
  ctx: ModerationContext & { baseUrl: string },
  input: z.infer<typeof DecisionForm>,
): Promise<void> {
  if (!can(ctx.actor, 'moderation.review')) throw new Forbidden();
  const d = DecisionForm.parse(input);
  await withTransaction(ctx.db, async (tx) => {
    const rows = await tx.query<{
      status: ItemStatus;
      author_id: string | null;
      summary: string;
      module: string;
      content_type: string;
      content_id: string;
      place_id: string;
    }>(
      'select status, author_id, summary, module, content_type, content_id, place_id from moderation_items where id = $1 and place_id = $2',
      [d.itemId, ctx.place.id],
    );
    const item = rows[0];
    if (!item) throw new NotFound('No such post');
    const status: ItemStatus = d.decision === 'publish' ? 'published' : 'hidden';
    await tx.query(
      'update moderation_items set status = $2, hidden_reason = $3, decided_by = $4, decided_at = now() where id = $1',
      [d.itemId, status, status === 'hidden' ? d.reason : null, ctx.actor?.userId ?? null],
    );
    await tx.query(
      'update moderation_reports set resolved_at = now(), resolution = $2 where item_id = $1 and resolved_at is null',
      [d.itemId, status === 'hidden' ? 'hidden' : 'dismissed'],
    );
    await statusChanged(tx, item, status);
    if (status === 'hidden' && item.author_id) {
      const [author] = await tx.query<{
        email: string;
        preferred_language: string;
        notification_prefs: Record<string, unknown>;
      }>(
        'select email, preferred_language, notification_prefs from users where id = $1 and deleted_at is null',
        [item.author_id],
      );
      if (author && wants(author.notification_prefs, 'moderation-decisions')) {
        await queueEmail(tx, {
          placeId: ctx.place.id,
          to: author.email,
          template: 'contentHidden',
          lang: author.preferred_language,
          vars: {
            summary: item.summary,
            reason: d.reason,
            place: ctx.place.name,
            url: `${ctx.baseUrl}/${ctx.place.slug}/moderation/appeal?item=${d.itemId}`,
          },
        });
      }
    }
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: `moderation.${d.decision}`,
      targetType: 'moderation-item',
      targetId: d.itemId,
      before: { status: item.status },
      after: { status, reason: d.reason },
      requestId: ctx.requestId,
    });
  });
}

export async function hiddenItemForAuthor(ctx: ModerationContext, itemId: string) {
  const rows = await ctx.db.query<{
    id: string;
    summary: string;
    hidden_reason: string | null;
    author_id: string | null;
    appealed: boolean;
  }>(
    `select i.id, i.summary, i.hidden_reason, i.author_id, exists (select 1 from moderation_appeals a where a.item_id = i.id) as appealed
     from moderation_items i where i.id = $1 and i.place_id = $2 and i.status = 'hidden'`,
    [itemId, ctx.place.id],
  );
  const item = rows[0];
  if (!item) throw new NotFound('No hidden post here');
  if (!ctx.actor || item.author_id !== ctx.actor.userId) throw new Forbidden();
  return item;
}

export const AppealForm = z.object({
  statement: z
    .string()
    .trim()
    .min(1, 'moderation.errors.statementMissing')
    .max(2000, 'moderation.errors.detailsTooLong'),
});

export async function appeal(
  ctx: ModerationContext,
  itemId: string,
  input: z.infer<typeof AppealForm>,
): Promise<void> {
  const item = await hiddenItemForAuthor(ctx, itemId);
  if (item.appealed) throw new Invalid({ statement: 'moderation.errors.alreadyAppealed' });
  const data = AppealForm.parse(input);
  await withTransaction(ctx.db, async (tx) => {
    await tx.query(
      'insert into moderation_appeals (place_id, item_id, author_id, statement) values ($1, $2, $3, $4)',
      [ctx.place.id, itemId, ctx.actor?.userId ?? null, data.statement],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'moderation.appeal',
      targetType: 'moderation-item',
      targetId: itemId,
      requestId: ctx.requestId,
    });
  });
}

export async function decideAppeal(
  ctx: ModerationContext,
  appealId: string,
  decision: 'upheld' | 'rejected',
): Promise<void> {
  if (!can(ctx.actor, 'moderation.review')) throw new Forbidden();
  await withTransaction(ctx.db, async (tx) => {
    const rows = await tx.query<{ item_id: string }>(
      'update moderation_appeals set decided_at = now(), decision = $3, decided_by = $4 where id = $1 and place_id = $2 and decided_at is null returning item_id',
      [appealId, ctx.place.id, decision, ctx.actor?.userId ?? null],
    );
    const itemId = rows[0]?.item_id;
    if (!itemId) throw new NotFound('No open appeal');
    if (decision === 'upheld') {
      const [item] = await tx.query<{
        module: string;
        content_type: string;
        content_id: string;
        place_id: string;
      }>(
        "update moderation_items set status = 'published', hidden_reason = null where id = $1 returning module, content_type, content_id, place_id",
        [itemId],
      );
      if (item) await statusChanged(tx, item, 'published');
    }
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: `moderation.appeal-${decision}`,
      targetType: 'moderation-item',
      targetId: itemId,
      requestId: ctx.requestId,
    });
  });
}

export type QueueItem = {
  id: string;
  module: string;
  summary: string;
  url: string;
  status: ItemStatus;
  created_at: Date;
  reports: { reason: string; details: string }[];
};

/** The officers' queue across every module: posts waiting, posts reported, appeals. */
export async function moderationQueue(ctx: ModerationContext) {
  if (!can(ctx.actor, 'moderation.review')) throw new Forbidden();
  const items = await ctx.db.query<QueueItem>(
    `select i.id, i.module, i.summary, i.url, i.status, i.created_at,
            coalesce(json_agg(json_build_object('reason', r.reason, 'details', r.details)) filter (where r.id is not null), '[]') as reports
     from moderation_items i left join moderation_reports r on r.item_id = i.id and r.resolved_at is null
     where i.place_id = $1
     group by i.id
     having i.status = 'pending' or count(r.id) > 0
     order by min(coalesce(r.created_at, i.created_at))`,
    [ctx.place.id],
  );
  const appeals = await ctx.db.query<{
    id: string;
    summary: string;
    hidden_reason: string;
    statement: string;
  }>(
    `select a.id, i.summary, i.hidden_reason, a.statement from moderation_appeals a join moderation_items i on i.id = a.item_id
     where a.place_id = $1 and a.decided_at is null order by a.created_at`,
    [ctx.place.id],
  );
  return { items, appeals };
}
