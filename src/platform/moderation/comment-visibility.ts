import type { Db, Tx } from '../db/types.js';
import { type Actor, can } from '../roles/permissions.js';
import { type ItemStatus, statusOf } from './moderation-service.js';

/** The columns of a module's comment that decide what a viewer is shown of it. */
export type StoredComment = {
  id: string;
  author_id: string | null;
  author_name: string | null;
  body: string;
  moderation_status: ItemStatus;
  created_at: Date;
};

/** One comment as a viewer is shown it. */
export type SeenComment = {
  id: string;
  /** Null when hidden from this viewer (its words are not sent) or when the account has gone. */
  authorName: string | null;
  body: string | null;
  status: ItemStatus;
  /** Why a moderator hid it: for its author and moderators only. */
  hiddenReason: string | null;
  /** The moderation item, so the comment can be reported. */
  moderationItemId: string | null;
  createdAt: Date;
  mine: boolean;
};

/**
 * The one rule for comments in every module. Everyone sees published ones. A hidden one stays
 * in place (so the conversation around it keeps its shape) as hidden, its words and author only
 * for its author and moderators, who also see why. A pending one only for its author and
 * moderators. Null when this viewer may not see it at all.
 */
export function commentSeenBy(
  actor: Actor | null,
  comment: StoredComment,
  item: { itemId: string; hiddenReason: string | null } | undefined,
): SeenComment | null {
  const mine = Boolean(actor?.userId && comment.author_id === actor.userId);
  const insider = mine || can(actor, 'moderation.review');
  if (comment.moderation_status === 'pending' && !insider) return null;
  const seesWords = comment.moderation_status !== 'hidden' || insider;
  return {
    id: comment.id,
    authorName: seesWords ? comment.author_name : null,
    body: seesWords ? comment.body : null,
    status: comment.moderation_status,
    hiddenReason: insider ? (item?.hiddenReason ?? null) : null,
    moderationItemId: item?.itemId ?? null,
    createdAt: new Date(comment.created_at),
    mine,
  };
}

/**
 * A module's comments as this viewer may see them, in the order given, each beside its stored
 * row (for what the module adds, such as threading). Their moderation items come in one query.
 */
export async function commentsSeenBy<R extends StoredComment>(
  ctx: { db: Db | Tx; place: { id: string }; actor: Actor | null },
  kind: { module: string; contentType: string },
  comments: readonly R[],
): Promise<Array<{ row: R; seen: SeenComment }>> {
  const items = await statusOf(
    ctx.db,
    ctx.place.id,
    kind.module,
    kind.contentType,
    comments.map((c) => c.id),
  );
  return comments.flatMap((row) => {
    const seen = commentSeenBy(ctx.actor, row, items.get(row.id));
    return seen ? [{ row, seen }] : [];
  });
}
