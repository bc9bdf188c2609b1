import { audit } from '../../platform/audit/audit.js';
import { withTransaction } from '../../platform/db/transaction.js';
import type { Tx } from '../../platform/db/types.js';
import { Conflict, Forbidden, validated } from '../../platform/http/errors.js';
import type { ServiceContext } from '../../platform/http/request-context.js';
import {
  commentsSeenBy,
  type SeenComment,
  type StoredComment,
} from '../../platform/moderation/comment-visibility.js';
import {
  checkPosting,
  type ItemStatus,
  onModerationStatusChange,
  registerPost,
} from '../../platform/moderation/moderation-service.js';
import { CommentInput } from './decision-input.js';
import { acceptsComments, type Decision, decisionPath, getDecision, MODULE } from './decision-service.js';

export const COMMENT = 'decision-comment';

async function setModeration(tx: Tx, id: string, status: ItemStatus) {
  await tx.query('update decision_comments set moderation_status = $2 where id = $1::uuid', [id, status]);
}
onModerationStatusChange(MODULE, COMMENT, (tx, change) => setModeration(tx, change.contentId, change.status));

export type Comment = SeenComment;

/** A decision's comments, oldest first, as this viewer may see them (see `commentSeenBy`). */
export async function commentsOn(ctx: ServiceContext, decision: Decision): Promise<Comment[]> {
  const rows = await ctx.db.query<StoredComment>(
    `select c.id, c.author_id, nullif(u.display_name, '') as author_name, c.body, c.moderation_status, c.created_at
     from decision_comments c left join users u on u.id = c.author_id and u.deleted_at is null
     where c.decision_id = $1 order by c.created_at, c.id`,
    [decision.id],
  );
  const seen = await commentsSeenBy(ctx, { module: MODULE, contentType: COMMENT }, rows);
  return seen.map((c) => c.seen);
}

/**
 * A signed-in resident comments on a decision while it is open for input (and its closing date
 * has not passed); afterwards the comments are closed (Conflict). New accounts' first comments
 * wait for a moderator. Null for a bot caught by the honeypot.
 */
export async function addComment(
  ctx: ServiceContext,
  decisionId: string,
  raw: unknown,
  meta: { ip: string; honeypot?: unknown },
): Promise<{ id: string; status: ItemStatus } | null> {
  if (!ctx.actor) throw new Forbidden();
  const decision = await getDecision(ctx, decisionId);
  if (!decision.acceptingComments) throw new Conflict('decisions.errors.commentsClosed');
  const input = validated(CommentInput, raw && typeof raw === 'object' ? raw : {});
  const mod = { ...ctx, requestId: ctx.requestId ?? '' };
  const verdict = await checkPosting(mod, {
    ip: meta.ip,
    text: input.body,
    honeypot: meta.honeypot,
    field: 'body',
  });
  if (verdict === 'drop') return null;
  return withTransaction(ctx.db, async (tx) => {
    // Checked again under lock: the officer may have closed it meanwhile.
    const [row] = await tx.query<{ status: 'open'; input_closes_on: string | null }>(
      "select status, to_char(input_closes_on, 'YYYY-MM-DD') as input_closes_on from decisions where id = $1 for update",
      [decision.id],
    );
    if (!row || !acceptsComments(row.status, row.input_closes_on))
      throw new Conflict('decisions.errors.commentsClosed');
    const [c] = await tx.query<{ id: string }>(
      'insert into decision_comments (decision_id, author_id, body) values ($1, $2, $3) returning id',
      [decision.id, ctx.actor?.userId ?? null, input.body],
    );
    const id = c?.id as string;
    const status = await registerPost(tx, mod, {
      module: MODULE,
      contentType: COMMENT,
      contentId: id,
      summary: input.body,
      url: `${decisionPath(ctx.place.slug, decision.id)}#comment-${id}`,
    });
    await setModeration(tx, id, status);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'decisions.comment.add',
      targetType: 'decision-comment',
      targetId: id,
      after: { decisionId: decision.id, status },
      requestId: ctx.requestId ?? null,
    });
    return { id, status };
  });
}
