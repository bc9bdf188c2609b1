import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Tx } from '../../../platform/db/types.js';
import { Conflict, Invalid, NotFound, validated } from '../../../platform/http/errors.js';
import { isUuid } from '../../../platform/http/ids.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import {
  commentsSeenBy,
  type SeenComment,
  type StoredComment,
} from '../../../platform/moderation/comment-visibility.js';
import {
  checkPosting,
  type ItemStatus,
  onModerationStatusChange,
  registerPost,
} from '../../../platform/moderation/moderation-service.js';
import { CommentInput } from './idea-input.js';
import { getIdea, type Idea, ideaPath, MODULE, publishedIdeaFor } from './idea-service.js';

const E = 'ideas.posting.errors';
export const COMMENT = 'idea-comment';
/** Replies are shown indented this many levels at most; deeper ones join their level-3 ancestor. */
export const MAX_DEPTH = 3;

async function setCommentModeration(tx: Tx, id: string, status: ItemStatus) {
  await tx.query('update idea_comments set moderation_status = $2 where id = $1::uuid', [id, status]);
}
onModerationStatusChange(MODULE, COMMENT, async (tx, change) => {
  await setCommentModeration(tx, change.contentId, change.status);
  if (change.status === 'published')
    await tx.query(
      'update ideas set last_activity_at = now() where id = (select idea_id from idea_comments where id = $1::uuid)',
      [change.contentId],
    );
});

export type Comment = SeenComment & {
  parentId: string | null;
  /** 1 to 3: how far it is indented. */
  depth: number;
  /** For a reply shown at the deepest level below its real parent: whom it answers. */
  inReplyTo: string | null;
  replies: Comment[];
};

type Row = StoredComment & { parent_id: string | null };

/**
 * An idea's comments as a thread, oldest first at each level, as this viewer may see them (see
 * `commentSeenBy`): a hidden comment stays in place, so its replies keep their context.
 */
export async function commentThread(ctx: ServiceContext, ideaOrId: string | Idea): Promise<Comment[]> {
  // An idea already fetched for this viewer has passed the visibility check.
  const idea = typeof ideaOrId === 'string' ? await getIdea(ctx, ideaOrId) : ideaOrId;
  const rows = await ctx.db.query<Row>(
    `select c.id, c.parent_id, c.author_id, nullif(u.display_name, '') as author_name, c.body, c.moderation_status,
       c.created_at
     from idea_comments c left join users u on u.id = c.author_id and u.deleted_at is null
     where c.idea_id = $1 order by c.created_at, c.id`,
    [idea.id],
  );
  const byId = new Map<string, Comment>();
  const top: Comment[] = [];
  for (const { row: r, seen } of await commentsSeenBy(ctx, { module: MODULE, contentType: COMMENT }, rows)) {
    const parent = r.parent_id ? byId.get(r.parent_id) : undefined;
    if (r.parent_id && !parent) continue; // a reply under a comment this viewer cannot see
    const comment: Comment = {
      ...seen,
      parentId: r.parent_id,
      depth: parent ? Math.min(parent.depth + 1, MAX_DEPTH) : 1,
      inReplyTo: null,
      replies: [],
    };
    byId.set(r.id, comment);
    if (!parent) top.push(comment);
    else if (parent.depth < MAX_DEPTH) parent.replies.push(comment);
    else {
      // Deeper than three levels: listed under the level-3 ancestor, saying whom it answers.
      let anchor = parent;
      while (anchor.depth === MAX_DEPTH && anchor.parentId) {
        const up = byId.get(anchor.parentId);
        if (!up || up.depth < MAX_DEPTH) break;
        anchor = up;
      }
      comment.inReplyTo = parent.authorName;
      anchor.replies.push(comment);
    }
  }
  return top;
}

/** One comment, for the reply page: it must be a published comment on this idea. */
export async function commentToReplyTo(
  ctx: ServiceContext,
  ideaId: string,
  commentId: string,
): Promise<{ id: string; body: string; authorName: string | null; createdAt: Date }> {
  const idea = await getIdea(ctx, ideaId);
  if (!isUuid(commentId)) throw new NotFound('No such comment');
  const [row] = await ctx.db.query<Row>(
    `select c.id, c.parent_id, c.author_id, nullif(u.display_name, '') as author_name, c.body, c.moderation_status,
       c.created_at
     from idea_comments c left join users u on u.id = c.author_id and u.deleted_at is null
     where c.idea_id = $1 and c.id = $2 and c.moderation_status = 'published'`,
    [idea.id, commentId.toLowerCase()],
  );
  if (!row) throw new NotFound('No such comment');
  return { id: row.id, body: row.body, authorName: row.author_name, createdAt: new Date(row.created_at) };
}

/**
 * A signed-in person comments on a published idea, or replies to a published comment on the
 * same idea. Comments go through the same pre-moderation as posts. Returns the comment's id
 * and status, or null for a bot caught by the honeypot. Followers are not emailed about
 * comments (stage changes and updates only), to keep the noise down.
 */
export async function addComment(
  ctx: ServiceContext,
  ideaId: string,
  raw: unknown,
  meta: { ip: string; honeypot?: unknown },
): Promise<{ id: string; status: ItemStatus } | null> {
  const input = validated(CommentInput, raw && typeof raw === 'object' ? raw : {});
  // Visibility and state first, so a hidden or pending idea answers as it would to a viewer.
  const idea = await getIdea(ctx, ideaId);
  if (idea.moderationStatus !== 'published') throw new Conflict(`${E}.notPublished`);
  const mod = { ...ctx, requestId: ctx.requestId ?? '' };
  const verdict = await checkPosting(mod, {
    ip: meta.ip,
    text: input.body,
    honeypot: meta.honeypot,
    field: 'body',
  });
  if (verdict === 'drop') return null;
  return withTransaction(ctx.db, async (tx) => {
    const row = await publishedIdeaFor(ctx, tx, idea.id);
    let parentId: string | null = null;
    if (input.parentId) {
      const [parent] = await tx.query<{ id: string }>(
        "select id from idea_comments where id = $1 and idea_id = $2 and moderation_status = 'published'",
        [input.parentId.toLowerCase(), row.id],
      );
      if (!parent) throw new Invalid({ body: `${E}.parentUnknown` });
      parentId = parent.id;
    }
    const [c] = await tx.query<{ id: string }>(
      'insert into idea_comments (idea_id, parent_id, author_id, body) values ($1, $2, $3, $4) returning id',
      [row.id, parentId, ctx.actor?.userId ?? null, input.body],
    );
    const id = c?.id as string;
    const status = await registerPost(tx, mod, {
      module: MODULE,
      contentType: COMMENT,
      contentId: id,
      summary: input.body,
      url: `${ideaPath(ctx.place.slug, row.id)}#comment-${id}`,
    });
    await setCommentModeration(tx, id, status);
    if (status === 'published')
      await tx.query('update ideas set last_activity_at = now() where id = $1', [row.id]);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'ideas.comment.add',
      targetType: 'idea-comment',
      targetId: id,
      after: { ideaId: row.id, parentId, status },
      requestId: ctx.requestId ?? null,
    });
    return { id, status };
  });
}
