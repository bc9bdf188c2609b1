import { randomUUID } from 'node:crypto';
import { processPhoto, UnusablePhoto } from '../../../lib/images/photo-image.js';
import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Db, Tx } from '../../../platform/db/types.js';
import type { FileStore } from '../../../platform/files/file-store.js';
import { Conflict, type FieldErrors, Forbidden, Invalid, NotFound } from '../../../platform/http/errors.js';
import { isUuid } from '../../../platform/http/ids.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import {
  checkPosting,
  type ItemStatus,
  onModerationStatusChange,
  registerPost,
  statusOf,
} from '../../../platform/moderation/moderation-service.js';
import { can } from '../../../platform/roles/permissions.js';
import { fold, fuzzyWords } from '../../../platform/search/search-service.js';
import { groupNames, groupsOrganisedBy } from '../../directory/groups/group-lookup.js';
import { listChallenges } from '../../mutual-aid/challenges/challenge-service.js';
import { getWard, listWards } from '../../wards/ward-service.js';
import type { Stage, Theme } from '../idea-kinds.js';
import { ELSEWHERE, IdeaInput, MAX_PHOTOS } from './idea-input.js';

const E = 'ideas.posting.errors';
export const MODULE = 'ideas';
export const IDEA = 'idea';

/** A phone's photo fits with room to spare. */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

/** What came in a form's file field: its bytes (empty when no file was chosen), or that it was too big. */
export type Upload = { bytes: Buffer | null; tooLarge: boolean };
export const NO_UPLOAD: Upload = { bytes: null, tooLarge: false };

export const ideaPath = (placeSlug: string, id: string) => `/${placeSlug}/ideas/${id}`;
const PHOTO_KEY = /^ideas\/([0-9a-f-]{36})\.webp$/;
const thumbOf = (key: string) => key.replace(/\.webp$/, '-thumb.webp');
/** `<uuid>.webp` or `<uuid>-thumb.webp`: the only names a photo's address may end with. */
const SERVED = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(-thumb)?\.webp$/;

export const isModerator = (ctx: ServiceContext) => can(ctx.actor, 'moderation.review');

// --- Moderation mirror ------------------------------------------------------------------------

async function setIdeaModeration(tx: Tx, placeId: string, id: string, status: ItemStatus) {
  await tx.query(
    'update ideas set moderation_status = $3, updated_at = now() where place_id = $1 and id = $2::uuid',
    [placeId, id, status],
  );
}
onModerationStatusChange(MODULE, IDEA, (tx, change) =>
  setIdeaModeration(tx, change.placeId, change.contentId, change.status),
);

// --- What the form offers ---------------------------------------------------------------------

export type OpenCall = { id: string; question: string; closesOn: string | null };
export type Choice = { id: string; title: string };

/** Open calls for ideas: opened on or before today and not yet closed (Europe/London). */
export async function openCalls(ctx: ServiceContext, db: Db | Tx = ctx.db): Promise<OpenCall[]> {
  const rows = await db.query<{ id: string; question: string; closes_on: string | null }>(
    `select id, question, to_char(closes_on, 'YYYY-MM-DD') as closes_on from idea_calls
     where place_id = $1 and opens_on <= (now() at time zone 'Europe/London')::date
       and (closes_on is null or closes_on >= (now() at time zone 'Europe/London')::date)
     order by opens_on desc, id`,
    [ctx.place.id],
  );
  return rows.map((r) => ({ id: r.id, question: r.question, closesOn: r.closes_on }));
}

/** Council challenges an idea may answer: those published now (not drafts, not closed). */
export async function answerableChallenges(ctx: ServiceContext): Promise<Choice[]> {
  const all = await listChallenges({ ...ctx, actor: null });
  return all.filter((c) => c.status === 'published').map((c) => ({ id: c.id, title: c.title }));
}

/** Everything the posting form lists: wards, open calls, challenges and the person's groups. */
export async function postingChoices(ctx: ServiceContext) {
  const [wards, calls, challenges, groups] = await Promise.all([
    listWards(ctx),
    openCalls(ctx),
    answerableChallenges(ctx),
    groupsOrganisedBy(ctx.db, ctx.place.id, ctx.actor?.userId),
  ]);
  return {
    wards: wards.map((w) => ({ slug: w.slug, code: w.code, name: w.name })),
    calls,
    challenges,
    groups: groups.map((g) => ({ id: g.id, name: g.name })),
  };
}

// --- Posting ----------------------------------------------------------------------------------

const hasBytes = (u: Upload) => Boolean(u.bytes && u.bytes.length > 0);

/**
 * A signed-in person posts an idea, with up to three photos (each checked, turned upright,
 * stripped of metadata and re-encoded as WebP, with alt text required). Every mistake comes
 * back at once as field errors. A new account's first post waits for a moderator. Returns the
 * idea's id and its moderation status, or null for a bot caught by the honeypot.
 */
export async function postIdea(
  ctx: ServiceContext,
  files: FileStore,
  raw: unknown,
  uploads: Upload[],
  meta: { ip: string; honeypot?: unknown },
): Promise<{ id: string; status: ItemStatus } | null> {
  if (!ctx.actor) throw new Forbidden();
  const userId = ctx.actor.userId;
  const errors: FieldErrors = {};
  const parsed = IdeaInput.safeParse(raw && typeof raw === 'object' ? raw : {});
  if (!parsed.success)
    for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'title')] ??= issue.message;
  const alts = parsed.success
    ? [parsed.data.photo1Alt, parsed.data.photo2Alt, parsed.data.photo3Alt]
    : ['', '', ''];

  const photos: { alt: string; large: Buffer; thumb: Buffer }[] = [];
  for (let i = 0; i < MAX_PHOTOS; i++) {
    const upload = uploads[i] ?? NO_UPLOAD;
    const field = `photo${i + 1}`;
    if (upload.tooLarge || (upload.bytes && upload.bytes.length > MAX_PHOTO_BYTES)) {
      errors[field] = `${E}.photoTooLarge`;
      continue;
    }
    if (!hasBytes(upload)) continue;
    try {
      const p = await processPhoto(upload.bytes as Buffer);
      if (parsed.success && !alts[i]) errors[`${field}Alt`] = `${E}.altMissing`;
      photos.push({ alt: alts[i] ?? '', large: p.large.data, thumb: p.thumb.data });
    } catch (error) {
      if (!(error instanceof UnusablePhoto)) throw error;
      errors[field] = `${E}.photo-${error.problem}`;
    }
  }

  let wardCode: string | null = null;
  let callId: string | null = null;
  let challengeId: string | null = null;
  let groupId: string | null = null;
  if (parsed.success) {
    const input = parsed.data;
    if (input.ward !== ELSEWHERE) {
      const ward = await getWard(ctx, input.ward).catch(() => null);
      if (ward) wardCode = ward.code;
      else errors.ward = `${E}.wardMissing`;
    }
    const [kind, id] = input.answers ? input.answers.toLowerCase().split(':') : [];
    if (kind === 'call') {
      if ((await openCalls(ctx)).some((c) => c.id === id)) callId = id ?? null;
      else errors.answers = `${E}.callClosed`;
    } else if (kind === 'challenge') {
      if ((await answerableChallenges(ctx)).some((c) => c.id === id)) challengeId = id ?? null;
      else errors.answers = `${E}.answersUnknown`;
    }
    if (input.group) {
      const groups = await groupsOrganisedBy(ctx.db, ctx.place.id, userId);
      const group = groups.find((g) => g.id === input.group.toLowerCase());
      if (group) groupId = group.id;
      else errors.group = `${E}.groupUnknown`;
    }
  }
  if (Object.keys(errors).length || !parsed.success) throw new Invalid(errors);
  const input = parsed.data;

  const verdict = await checkPosting(
    { ...ctx, requestId: ctx.requestId ?? '' },
    {
      ip: meta.ip,
      text: `${input.title} ${input.summary} ${input.whoItHelps}`,
      honeypot: meta.honeypot,
      field: 'summary',
    },
  );
  if (verdict === 'drop') return null;

  const written: string[] = [];
  try {
    const keys: string[] = [];
    for (const photo of photos) {
      const key = `ideas/${randomUUID()}.webp`;
      await files.write(key, photo.large);
      written.push(key);
      await files.write(thumbOf(key), photo.thumb);
      written.push(thumbOf(key));
      keys.push(key);
    }
    return await withTransaction(ctx.db, async (tx) => {
      const [row] = await tx.query<{ id: string }>(
        `insert into ideas (place_id, author_id, group_id, title, summary, who_it_helps, ward_code, area, theme,
           challenge_id, call_id, fuzzy_text)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning id`,
        [
          ctx.place.id,
          userId,
          groupId,
          input.title,
          input.summary,
          input.whoItHelps,
          wardCode,
          input.area,
          input.theme,
          challengeId,
          callId,
          fold(`${input.title} ${input.summary}`),
        ],
      );
      const id = row?.id as string;
      for (const [i, key] of keys.entries())
        await tx.query('insert into idea_images (idea_id, file_key, alt, position) values ($1, $2, $3, $4)', [
          id,
          key,
          photos[i]?.alt ?? '',
          i,
        ]);
      // The author hears about their own idea's progress without having to ask.
      await tx.query('insert into idea_follows (idea_id, user_id) values ($1, $2) on conflict do nothing', [
        id,
        userId,
      ]);
      const status = await registerPost(
        tx,
        { ...ctx, requestId: ctx.requestId ?? '' },
        {
          module: MODULE,
          contentType: IDEA,
          contentId: id,
          summary: input.title,
          url: ideaPath(ctx.place.slug, id),
        },
      );
      await setIdeaModeration(tx, ctx.place.id, id, status);
      await audit(tx, {
        placeId: ctx.place.id,
        actorId: userId,
        action: 'ideas.idea.post',
        targetType: 'idea',
        targetId: id,
        after: {
          title: input.title,
          ward: wardCode,
          theme: input.theme,
          callId,
          challengeId,
          groupId,
          photos: keys.length,
          status,
        },
        requestId: ctx.requestId ?? null,
      });
      return { id, status };
    });
  } catch (error) {
    await files.remove(...written).catch(() => {});
    throw error;
  }
}

// --- Similar ideas ----------------------------------------------------------------------------

/** Words too common in ideas to say two are alike. */
const COMMON = new Set(['our', 'idea', 'ideas', 'not', 'out', 'more', 'all', 'can', 'some', 'new', 'make']);
/**
 * When two titles are alike (pg_trgm word_similarity of each significant word of the typed
 * title against the folded title and summary of an idea): a word counts as found at 0.45 or
 * more ("frige" scores 0.5 against "fridge", "libary" 0.5 against "library"), at least 60% of
 * the words must be found, and their average likeness must be at least 0.5. So "communty
 * frige" finds the community fridge, while "street party" (one common word of two) and "a
 * skate park in Urmston" (one of three) find nothing.
 */
export const WORD_FOUND = 0.45;
export const SHARE_FOUND = 0.6;
export const SIMILAR_THRESHOLD = 0.5;

export type SimilarIdea = {
  id: string;
  title: string;
  stage: Stage;
  supportCount: number;
  url: string;
  score: number;
};

/** The significant words of a title, folded (lower case, no accents), as the likeness uses them. */
export function similarityWords(text: string): string[] {
  return fuzzyWords(text.slice(0, 300)).filter((w) => !COMMON.has(w));
}

/**
 * Published ideas here that look like the text being typed, most alike first, so a person can
 * support one instead of posting it again. Misspellings match: each significant word is
 * compared by trigrams with the words of every idea's title and summary.
 */
export async function similarIdeas(
  ctx: ServiceContext,
  text: string,
  options: { limit?: number } = {},
): Promise<SimilarIdea[]> {
  const words = similarityWords(typeof text === 'string' ? text : '');
  if (!words.length) return [];
  const limit = Math.min(Math.max(options.limit ?? 5, 1), 10);
  const rows = await ctx.db.query<{
    id: string;
    title: string;
    stage: Stage;
    supports: number;
    score: number;
  }>(
    `select i.id, i.title, i.stage, s.score::float8 as score,
       (select count(*)::int from idea_supports p where p.idea_id = i.id) as supports
     from ideas i,
       lateral (select avg(x.s) as score, count(*) filter (where x.s >= $3)::float8 / count(*) as share
         from (select word_similarity(w, i.fuzzy_text) as s from unnest($2::text[]) w) x) s
     where i.place_id = $1 and i.moderation_status = 'published' and s.share >= $4 and s.score >= $5
     order by s.share desc, s.score desc, i.last_activity_at desc, i.id
     limit $6`,
    [ctx.place.id, words, WORD_FOUND, SHARE_FOUND, SIMILAR_THRESHOLD, limit],
  );
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    stage: r.stage,
    supportCount: r.supports,
    url: ideaPath(ctx.place.slug, r.id),
    score: Math.round(r.score * 100) / 100,
  }));
}

// --- One idea ---------------------------------------------------------------------------------

type IdeaRow = {
  id: string;
  author_id: string | null;
  author_name: string | null;
  group_id: string | null;
  title: string;
  summary: string;
  who_it_helps: string;
  ward_code: string | null;
  ward_name: string | null;
  ward_slug: string | null;
  area: string;
  theme: Theme;
  stage: Stage;
  challenge_id: string | null;
  call_id: string | null;
  call_question: string | null;
  moderation_status: ItemStatus;
  created_at: Date;
  last_activity_at: Date;
  supports: number;
  followers: number;
  comments: number;
};

export type Idea = {
  id: string;
  title: string;
  summary: string;
  whoItHelps: string;
  ward: { code: string; name: string; slug: string } | null;
  area: string;
  theme: Theme;
  stage: Stage;
  call: { id: string; question: string } | null;
  challenge: { id: string; title: string } | null;
  callId: string | null;
  challengeId: string | null;
  /** Who posted it: the group when on a group's behalf, else the person's display name (null if gone). */
  postedBy: { kind: 'group'; name: string; slug: string } | { kind: 'person'; name: string | null };
  authorId: string | null;
  moderationStatus: ItemStatus;
  /** The moderation item, for the Report link, and a hidden idea's reason (author and moderators). */
  moderationItemId: string | null;
  hiddenReason: string | null;
  photos: { id: string; url: string; thumbUrl: string; alt: string }[];
  supportCount: number;
  followerCount: number;
  commentCount: number;
  createdAt: Date;
  lastActivityAt: Date;
  url: string;
  viewer: { isAuthor: boolean; supports: boolean; follows: boolean; moderator: boolean };
};

const SELECT = `select i.id, i.author_id, nullif(u.display_name, '') as author_name, i.group_id, i.title, i.summary,
  i.who_it_helps, i.ward_code, w.name as ward_name, w.slug as ward_slug, i.area, i.theme, i.stage, i.challenge_id,
  i.call_id, c.question as call_question, i.moderation_status, i.created_at, i.last_activity_at,
  (select count(*)::int from idea_supports s where s.idea_id = i.id) as supports,
  (select count(*)::int from idea_follows f where f.idea_id = i.id) as followers,
  (select count(*)::int from idea_comments m where m.idea_id = i.id and m.moderation_status = 'published') as comments
  from ideas i left join users u on u.id = i.author_id and u.deleted_at is null
  left join wards w on w.place_id = i.place_id and w.code = i.ward_code
  left join idea_calls c on c.id = i.call_id`;

/** Who may see an idea that is not published: its author and moderators. */
function maySee(ctx: ServiceContext, row: { moderation_status: ItemStatus; author_id: string | null }) {
  if (row.moderation_status === 'published') return true;
  if (ctx.actor && row.author_id === ctx.actor.userId) return true;
  return isModerator(ctx);
}

async function ideaRow(ctx: ServiceContext, id: string, db: Db | Tx = ctx.db): Promise<IdeaRow> {
  if (!isUuid(id)) throw new NotFound('No such idea');
  const [row] = await db.query<IdeaRow>(`${SELECT} where i.place_id = $1 and i.id = $2`, [
    ctx.place.id,
    id.toLowerCase(),
  ]);
  if (!row || !maySee(ctx, row)) throw new NotFound('No such idea');
  return row;
}

/** One idea: anyone if published; otherwise only its author and moderators (NotFound for others). */
export async function getIdea(ctx: ServiceContext, id: string): Promise<Idea> {
  const row = await ideaRow(ctx, id);
  const userId = ctx.actor?.userId;
  const [images, moderation, group, challenge, mine] = await Promise.all([
    ctx.db.query<{ id: string; file_key: string; alt: string }>(
      'select id, file_key, alt from idea_images where idea_id = $1 order by position, created_at',
      [row.id],
    ),
    statusOf(ctx.db, ctx.place.id, MODULE, IDEA, [row.id]),
    row.group_id ? groupNames(ctx.db, ctx.place.id, [row.group_id]) : Promise.resolve(new Map()),
    row.challenge_id
      ? listChallenges({ ...ctx, actor: null }).then(
          (all) => all.find((c) => c.id === row.challenge_id) ?? null,
        )
      : Promise.resolve(null),
    userId
      ? ctx.db.query<{ supports: boolean; follows: boolean }>(
          `select exists (select 1 from idea_supports where idea_id = $1 and user_id = $2) as supports,
                  exists (select 1 from idea_follows where idea_id = $1 and user_id = $2) as follows`,
          [row.id, userId],
        )
      : Promise.resolve([]),
  ]);
  const item = moderation.get(row.id);
  const isAuthor = Boolean(userId && row.author_id === userId);
  const moderator = isModerator(ctx);
  const base = ideaPath(ctx.place.slug, row.id);
  const g = row.group_id ? group.get(row.group_id) : undefined;
  return {
    id: row.id,
    title: row.title,
    summary: row.summary,
    whoItHelps: row.who_it_helps,
    ward:
      row.ward_code && row.ward_name
        ? { code: row.ward_code, name: row.ward_name, slug: row.ward_slug ?? '' }
        : null,
    area: row.area,
    theme: row.theme,
    stage: row.stage,
    call: row.call_id && row.call_question ? { id: row.call_id, question: row.call_question } : null,
    challenge: challenge ? { id: challenge.id, title: challenge.title } : null,
    callId: row.call_id,
    challengeId: row.challenge_id,
    postedBy: g ? { kind: 'group', name: g.name, slug: g.slug } : { kind: 'person', name: row.author_name },
    authorId: row.author_id,
    moderationStatus: row.moderation_status,
    moderationItemId: item?.itemId ?? null,
    hiddenReason: isAuthor || moderator ? (item?.hiddenReason ?? null) : null,
    photos: images
      .filter((r) => PHOTO_KEY.test(r.file_key))
      .map((r) => {
        const name = (PHOTO_KEY.exec(r.file_key) as RegExpExecArray)[1];
        return {
          id: r.id,
          url: `${base}/photos/${name}.webp`,
          thumbUrl: `${base}/photos/${name}-thumb.webp`,
          alt: r.alt,
        };
      }),
    supportCount: row.supports,
    followerCount: row.followers,
    commentCount: row.comments,
    createdAt: new Date(row.created_at),
    lastActivityAt: new Date(row.last_activity_at),
    url: base,
    viewer: {
      isAuthor,
      supports: mine[0]?.supports ?? false,
      follows: mine[0]?.follows ?? false,
      moderator,
    },
  };
}

/** An idea as the JSON API gives it (the same visibility as its page). */
export function ideaJson(idea: Idea, siteUrl: string) {
  return {
    id: idea.id,
    title: idea.title,
    summary: idea.summary,
    whoItHelps: idea.whoItHelps,
    ward: idea.ward ? { code: idea.ward.code, name: idea.ward.name } : null,
    area: idea.area,
    theme: idea.theme,
    stage: idea.stage,
    callId: idea.callId,
    challengeId: idea.challengeId,
    supportCount: idea.supportCount,
    commentCount: idea.commentCount,
    createdAt: idea.createdAt.toISOString(),
    url: `${siteUrl}${idea.url}`,
  };
}

/** A photo of an idea (large or thumbnail), for whoever may see the idea. */
export async function ideaPhoto(
  ctx: ServiceContext,
  files: FileStore,
  ideaId: string,
  requested: string,
): Promise<{ bytes: Buffer; published: boolean }> {
  const match = typeof requested === 'string' ? SERVED.exec(requested) : null;
  if (!match) throw new NotFound('No such photo');
  const row = await ideaRow(ctx, ideaId);
  const key = `ideas/${match[1]}.webp`;
  const [image] = await ctx.db.query('select 1 from idea_images where idea_id = $1 and file_key = $2', [
    row.id,
    key,
  ]);
  if (!image) throw new NotFound('No such photo');
  const bytes = await files.read(match[2] ? thumbOf(key) : key);
  if (!bytes) throw new NotFound('No such photo');
  return { bytes, published: row.moderation_status === 'published' };
}

// --- Support and follow -----------------------------------------------------------------------

/** A published idea, locked, for a signed-in person to act on (support, follow, comment). */
export async function publishedIdeaFor(ctx: ServiceContext, tx: Tx, id: string): Promise<IdeaRow> {
  if (!ctx.actor) throw new Forbidden();
  const row = await ideaRow(ctx, id, tx);
  await tx.query('select 1 from ideas where id = $1 for update', [row.id]);
  if (row.moderation_status !== 'published') throw new Conflict(`${E}.notPublished`);
  return row;
}

async function toggle(
  ctx: ServiceContext,
  id: string,
  table: 'idea_supports' | 'idea_follows',
  on: boolean,
  action: string,
): Promise<boolean> {
  return withTransaction(ctx.db, async (tx) => {
    const row = await publishedIdeaFor(ctx, tx, id);
    const userId = ctx.actor?.userId as string;
    if (table === 'idea_supports' && on && row.author_id === userId) throw new Conflict(`${E}.ownIdea`);
    const changed = on
      ? await tx.query(
          `insert into ${table} (idea_id, user_id) values ($1, $2) on conflict do nothing returning idea_id`,
          [row.id, userId],
        )
      : await tx.query(`delete from ${table} where idea_id = $1 and user_id = $2 returning idea_id`, [
          row.id,
          userId,
        ]);
    if (!changed.length) return false;
    if (table === 'idea_supports' && on)
      await tx.query('update ideas set last_activity_at = now() where id = $1', [row.id]);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action,
      targetType: 'idea',
      targetId: row.id,
      requestId: ctx.requestId ?? null,
    });
    return true;
  });
}

/** Supports a published idea, once per person (again is harmless). Not one's own: that is implicit. */
export const supportIdea = (ctx: ServiceContext, id: string) =>
  toggle(ctx, id, 'idea_supports', true, 'ideas.idea.support');
/** Takes one's support back (harmless if there was none). */
export const withdrawSupport = (ctx: ServiceContext, id: string) =>
  toggle(ctx, id, 'idea_supports', false, 'ideas.idea.support-withdraw');
/** Follows a published idea for news of its stages and updates. */
export const followIdea = (ctx: ServiceContext, id: string) =>
  toggle(ctx, id, 'idea_follows', true, 'ideas.idea.follow');
export const unfollowIdea = (ctx: ServiceContext, id: string) =>
  toggle(ctx, id, 'idea_follows', false, 'ideas.idea.unfollow');

/**
 * The people following an idea, with the email and language to write to them in, for the
 * parts that send news of stage changes and updates. Deleted accounts are left out.
 */
export async function followersOf(
  db: Db | Tx,
  ideaId: string,
): Promise<
  { userId: string; email: string; language: string; notificationPrefs: Record<string, unknown> | null }[]
> {
  if (!isUuid(ideaId)) return [];
  const rows = await db.query<{
    user_id: string;
    email: string;
    preferred_language: string;
    notification_prefs: Record<string, unknown> | null;
  }>(
    `select f.user_id, u.email, u.preferred_language, u.notification_prefs
     from idea_follows f join users u on u.id = f.user_id
     where f.idea_id = $1 and u.deleted_at is null order by f.created_at, f.user_id`,
    [ideaId],
  );
  return rows.map((r) => ({
    userId: r.user_id,
    email: r.email,
    language: r.preferred_language,
    notificationPrefs: r.notification_prefs,
  }));
}
