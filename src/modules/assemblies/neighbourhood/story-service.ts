import { randomUUID } from 'node:crypto';
import { processPhoto, UnusablePhoto } from '../../../lib/images/photo-image.js';
import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Db, SqlParam, Tx } from '../../../platform/db/types.js';
import type { FileStore } from '../../../platform/files/file-store.js';
import {
  Conflict,
  type FieldErrors,
  Forbidden,
  Invalid,
  NotFound,
  validated,
} from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { can } from '../../../platform/roles/permissions.js';
import { AUDIO_TYPES, type AudioKind, audioKind, withoutId3 } from './audio-kind.js';
import { CONTRIBUTE, HideInput, StoryInput, type StoryStatus } from './neighbourhood-input.js';
import {
  canFacilitate,
  getNeighbourhood,
  type Neighbourhood,
  neighbourhoodPath,
  requireFacilitator,
} from './neighbourhood-service.js';

const E = 'assemblies.neighbourhood.errors';

/** A phone's photo fits with room to spare. */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
/** A few minutes of speech in any of the accepted formats (a WAV is the largest). */
export const MAX_AUDIO_BYTES = 20 * 1024 * 1024;

/** What came in a form's file field: its bytes (empty when no file was chosen), or that it was too big. */
export type Upload = { bytes: Buffer | null; tooLarge: boolean };
export const NO_UPLOAD: Upload = { bytes: null, tooLarge: false };

export type Story = {
  id: string;
  mattered: string;
  keep: string;
  /** The name the author chose to show; null when they chose to stay anonymous. */
  displayName: string | null;
  photo: { url: string; thumbUrl: string; alt: string } | null;
  audio: { url: string; contentType: string } | null;
  status: StoryStatus;
  hiddenReason: string | null;
  createdAt: Date;
  themes: { slug: string; name: string }[];
  /** The signed-in person wrote it. */
  mine: boolean;
};

type Row = {
  id: string;
  author_id: string | null;
  mattered: string;
  keep: string;
  display_name: string | null;
  photo_key: string | null;
  photo_alt: string | null;
  audio_key: string | null;
  status: StoryStatus;
  hidden_reason: string | null;
  created_at: Date;
};
const SELECT = `select id, author_id, mattered, keep, display_name, photo_key, photo_alt, audio_key, status,
  hidden_reason, created_at from neighbourhood_stories`;

const FOLDER = 'neighbourhood-stories';
const PHOTO_KEY = /^neighbourhood-stories\/[0-9a-f-]{36}\.webp$/;
const AUDIO_KEY = /^neighbourhood-stories\/[0-9a-f-]{36}\.(mp3|m4a|ogg|wav)$/;
const thumbOf = (key: string) => key.replace(/\.webp$/, '-thumb.webp');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function storyPath(placeSlug: string, wardSlug: string, storyId: string): string {
  return `${neighbourhoodPath(placeSlug, wardSlug)}/stories/${storyId}`;
}

async function themesOf(db: Db | Tx, ids: string[]): Promise<Map<string, { slug: string; name: string }[]>> {
  const out = new Map<string, { slug: string; name: string }[]>();
  if (!ids.length) return out;
  const rows = await db.query<{ story_id: string; slug: string; name: string }>(
    `select st.story_id, t.slug, t.name from neighbourhood_story_themes st
     join neighbourhood_themes t on t.id = st.theme_id
     where st.story_id = any($1::uuid[]) order by t.name`,
    [ids],
  );
  for (const r of rows) {
    const list = out.get(r.story_id) ?? [];
    list.push({ slug: r.slug, name: r.name });
    out.set(r.story_id, list);
  }
  return out;
}

async function toStories(ctx: ServiceContext, assembly: Neighbourhood, rows: Row[]): Promise<Story[]> {
  const themes = await themesOf(
    ctx.db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => {
    const base = storyPath(ctx.place.slug, assembly.ward.slug, r.id);
    const audioExt = r.audio_key
      ? (AUDIO_KEY.exec(r.audio_key)?.[1] as AudioKind['extension'] | undefined)
      : undefined;
    return {
      id: r.id,
      mattered: r.mattered,
      keep: r.keep,
      displayName: r.display_name,
      photo:
        r.photo_key && PHOTO_KEY.test(r.photo_key)
          ? { url: `${base}/photo`, thumbUrl: `${base}/thumbnail`, alt: r.photo_alt ?? '' }
          : null,
      audio: audioExt ? { url: `${base}/audio`, contentType: AUDIO_TYPES[audioExt] } : null,
      status: r.status,
      hiddenReason: r.hidden_reason,
      createdAt: new Date(r.created_at),
      themes: themes.get(r.id) ?? [],
      mine: Boolean(ctx.actor && r.author_id === ctx.actor.userId),
    };
  });
}

/** The story book: published stories, newest first, optionally those of one theme (public). */
export async function publishedStories(
  ctx: ServiceContext,
  assembly: Neighbourhood,
  filters: { theme?: string | null } = {},
): Promise<Story[]> {
  const params: SqlParam[] = [assembly.id];
  let where = `assembly_id = $1 and status = 'published'`;
  if (filters.theme) {
    params.push(filters.theme);
    where += ` and id in (select st.story_id from neighbourhood_story_themes st
      join neighbourhood_themes t on t.id = st.theme_id where t.assembly_id = $1 and t.slug = $2)`;
  }
  const rows = await ctx.db.query<Row>(`${SELECT} where ${where} order by created_at desc, id`, params);
  return toStories(ctx, assembly, rows);
}

/** The signed-in person's own stories here, whatever their status (with a hidden one's reason). */
export async function myStories(ctx: ServiceContext, assembly: Neighbourhood): Promise<Story[]> {
  if (!ctx.actor) return [];
  const rows = await ctx.db.query<Row>(
    `${SELECT} where assembly_id = $1 and author_id = $2 order by created_at desc, id`,
    [assembly.id, ctx.actor.userId],
  );
  return toStories(ctx, assembly, rows);
}

/** Stories waiting for a facilitator, oldest first (facilitators only). */
export async function pendingStories(ctx: ServiceContext, assembly: Neighbourhood): Promise<Story[]> {
  requireFacilitator(ctx);
  const rows = await ctx.db.query<Row>(
    `${SELECT} where assembly_id = $1 and status = 'pending' order by created_at, id`,
    [assembly.id],
  );
  return toStories(ctx, assembly, rows);
}

/** Hidden stories, newest first, so a facilitator can think again (facilitators only). */
export async function hiddenStories(ctx: ServiceContext, assembly: Neighbourhood): Promise<Story[]> {
  requireFacilitator(ctx);
  const rows = await ctx.db.query<Row>(
    `${SELECT} where assembly_id = $1 and status = 'hidden' order by moderated_at desc nulls last, id`,
    [assembly.id],
  );
  return toStories(ctx, assembly, rows);
}

async function rowOf(db: Db | Tx, assemblyId: string, storyId: string, lock = false): Promise<Row> {
  if (typeof storyId !== 'string' || !UUID.test(storyId)) throw new NotFound('No such story');
  const rows = await db.query<Row>(
    `${SELECT} where assembly_id = $1 and id = $2${lock ? ' for update' : ''}`,
    [assemblyId, storyId],
  );
  if (!rows[0]) throw new NotFound('No such story');
  return rows[0];
}

/** Who may see a story that is not published: its author and facilitators. */
function maySee(ctx: ServiceContext, row: Row): boolean {
  if (row.status === 'published') return true;
  if (ctx.actor && row.author_id === ctx.actor.userId) return true;
  return canFacilitate(ctx);
}

/** One story: anyone if published; otherwise only its author and facilitators (NotFound for others). */
export async function getStory(
  ctx: ServiceContext,
  wardSlug: string,
  storyId: string,
): Promise<{ assembly: Neighbourhood; story: Story }> {
  const assembly = await getNeighbourhood(ctx, wardSlug);
  const row = await rowOf(ctx.db, assembly.id, storyId);
  if (!maySee(ctx, row)) throw new NotFound('No such story');
  const [story] = await toStories(ctx, assembly, [row]);
  return { assembly, story: story as Story };
}

const hasBytes = (u: Upload) => Boolean(u.bytes && u.bytes.length > 0);

/**
 * A signed-in resident adds a story, with an optional photo (checked, turned upright, stripped
 * of its metadata and re-encoded as WebP) and an optional audio file (MP3, M4A, Ogg or WAV by
 * its bytes). Every mistake, in the words and the files, comes back at once as field errors.
 * The story waits for a facilitator before anyone else sees it. Returns its id.
 */
export async function addStory(
  ctx: ServiceContext,
  files: FileStore,
  wardSlug: string,
  raw: unknown,
  uploads: { photo?: Upload; audio?: Upload },
): Promise<string> {
  if (!ctx.actor || !can(ctx.actor, CONTRIBUTE)) throw new Forbidden();
  const userId = ctx.actor.userId;
  const assembly = await getNeighbourhood(ctx, wardSlug);
  if (assembly.status !== 'open') throw new Conflict(`${E}.closed`);
  const photo = uploads.photo ?? NO_UPLOAD;
  const audio = uploads.audio ?? NO_UPLOAD;

  const errors: FieldErrors = {};
  const parsed = StoryInput.safeParse(raw && typeof raw === 'object' ? raw : {});
  if (!parsed.success)
    for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'mattered')] ??= issue.message;

  let processed: Awaited<ReturnType<typeof processPhoto>> | null = null;
  if (photo.tooLarge || (photo.bytes && photo.bytes.length > MAX_PHOTO_BYTES))
    errors.photo = `${E}.photoTooLarge`;
  else if (hasBytes(photo)) {
    try {
      processed = await processPhoto(photo.bytes as Buffer);
    } catch (error) {
      if (!(error instanceof UnusablePhoto)) throw error;
      errors.photo = `${E}.photo-${error.problem}`;
    }
    if (parsed.success && !parsed.data.photoAlt) errors.photoAlt = `${E}.photoAltMissing`;
  }

  let sound: { kind: AudioKind; bytes: Buffer } | null = null;
  if (audio.tooLarge || (audio.bytes && audio.bytes.length > MAX_AUDIO_BYTES))
    errors.audio = `${E}.audioTooLarge`;
  else if (hasBytes(audio)) {
    const kind = audioKind(audio.bytes as Buffer);
    if (!kind) errors.audio = `${E}.audioNotAudio`;
    else
      sound = {
        kind,
        bytes: kind.extension === 'mp3' ? withoutId3(audio.bytes as Buffer) : (audio.bytes as Buffer),
      };
  }
  if (Object.keys(errors).length || !parsed.success) throw new Invalid(errors);
  const input = parsed.data;

  // The files first, removed again if the database refuses the story.
  const written: string[] = [];
  let photoKey: string | null = null;
  let audioKey: string | null = null;
  try {
    if (processed) {
      photoKey = `${FOLDER}/${randomUUID()}.webp`;
      await files.write(photoKey, processed.large.data);
      written.push(photoKey);
      await files.write(thumbOf(photoKey), processed.thumb.data);
      written.push(thumbOf(photoKey));
    }
    if (sound) {
      audioKey = `${FOLDER}/${randomUUID()}.${sound.kind.extension}`;
      await files.write(audioKey, sound.bytes);
      written.push(audioKey);
    }
    return await withTransaction(ctx.db, async (tx) => {
      const current = await getNeighbourhood(ctx, wardSlug, tx, true);
      if (current.status !== 'open') throw new Conflict(`${E}.closed`);
      const rows = await tx.query<{ id: string }>(
        `insert into neighbourhood_stories
           (assembly_id, author_id, mattered, keep, display_name, photo_key, photo_alt, audio_key)
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning id`,
        [
          current.id,
          userId,
          input.mattered,
          input.keep,
          input.showAs === 'name' ? input.displayName : null,
          photoKey,
          photoKey ? input.photoAlt : null,
          audioKey,
        ],
      );
      const id = rows[0]?.id as string;
      await audit(tx, {
        placeId: ctx.place.id,
        actorId: userId,
        action: 'assemblies.neighbourhood.story.add',
        targetType: 'neighbourhood_story',
        targetId: id,
        after: {
          anonymous: input.showAs === 'anonymous',
          photo: Boolean(photoKey),
          audio: Boolean(audioKey),
        },
        requestId: ctx.requestId ?? null,
      });
      return id;
    });
  } catch (error) {
    await files.remove(...written).catch(() => {});
    throw error;
  }
}

async function themeIds(tx: Tx, assemblyId: string, slugs: readonly string[]): Promise<string[]> {
  if (!slugs.length) return [];
  const rows = await tx.query<{ id: string }>(
    'select id from neighbourhood_themes where assembly_id = $1 and slug = any($2::text[])',
    [assemblyId, [...slugs]],
  );
  if (rows.length !== new Set(slugs).size) throw new Invalid({ themes: `${E}.themeUnknown` });
  return rows.map((r) => r.id);
}

async function replaceThemes(tx: Tx, storyId: string, ids: string[]) {
  await tx.query('delete from neighbourhood_story_themes where story_id = $1', [storyId]);
  for (const id of ids)
    await tx.query('insert into neighbourhood_story_themes (story_id, theme_id) values ($1, $2)', [
      storyId,
      id,
    ]);
}

/** Theme slugs as a form posts them: one string, a comma-joined string or an array. */
export function themeSlugs(value: unknown): string[] {
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
  return [
    ...new Set(
      list
        .filter((s): s is string => typeof s === 'string')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ].slice(0, 50);
}

/** A facilitator publishes a story (waiting, or hidden before), tagged with the themes given. */
export async function publishStory(
  ctx: ServiceContext,
  wardSlug: string,
  storyId: string,
  themes: readonly string[] = [],
): Promise<void> {
  const userId = requireFacilitator(ctx);
  await withTransaction(ctx.db, async (tx) => {
    const assembly = await getNeighbourhood(ctx, wardSlug, tx);
    const row = await rowOf(tx, assembly.id, storyId, true);
    const ids = await themeIds(tx, assembly.id, themes);
    await tx.query(
      `update neighbourhood_stories set status = 'published', hidden_reason = null, moderated_by = $2,
         moderated_at = now() where id = $1`,
      [row.id, userId],
    );
    await replaceThemes(tx, row.id, ids);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: 'assemblies.neighbourhood.story.publish',
      targetType: 'neighbourhood_story',
      targetId: row.id,
      before: { status: row.status },
      after: { status: 'published', themes },
      requestId: ctx.requestId ?? null,
    });
  });
}

/** A facilitator hides a story, with a reason its author is shown (house rules). */
export async function hideStory(
  ctx: ServiceContext,
  wardSlug: string,
  storyId: string,
  raw: unknown,
): Promise<void> {
  const userId = requireFacilitator(ctx);
  const assembly = await getNeighbourhood(ctx, wardSlug);
  await rowOf(ctx.db, assembly.id, storyId);
  const { reason } = validated(HideInput, raw);
  await withTransaction(ctx.db, async (tx) => {
    const row = await rowOf(tx, assembly.id, storyId, true);
    await tx.query(
      `update neighbourhood_stories set status = 'hidden', hidden_reason = $2, moderated_by = $3,
         moderated_at = now() where id = $1`,
      [row.id, reason, userId],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: 'assemblies.neighbourhood.story.hide',
      targetType: 'neighbourhood_story',
      targetId: row.id,
      before: { status: row.status },
      after: { status: 'hidden', reason },
      requestId: ctx.requestId ?? null,
    });
  });
}

/** A facilitator changes a story's themes. */
export async function setStoryThemes(
  ctx: ServiceContext,
  wardSlug: string,
  storyId: string,
  themes: readonly string[],
): Promise<void> {
  const userId = requireFacilitator(ctx);
  await withTransaction(ctx.db, async (tx) => {
    const assembly = await getNeighbourhood(ctx, wardSlug, tx);
    const row = await rowOf(tx, assembly.id, storyId, true);
    const before = (await themesOf(tx, [row.id])).get(row.id)?.map((t) => t.slug) ?? [];
    await replaceThemes(tx, row.id, await themeIds(tx, assembly.id, themes));
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: userId,
      action: 'assemblies.neighbourhood.story.themes',
      targetType: 'neighbourhood_story',
      targetId: row.id,
      before: { themes: before },
      after: { themes },
      requestId: ctx.requestId ?? null,
    });
  });
}

/**
 * A story's photo (large or thumbnail) or audio, for whoever may see the story. `published`
 * says whether it may be cached publicly.
 */
export async function storyFile(
  ctx: ServiceContext,
  files: FileStore,
  wardSlug: string,
  storyId: string,
  which: 'photo' | 'thumbnail' | 'audio',
): Promise<{ bytes: Buffer; contentType: string; published: boolean }> {
  const assembly = await getNeighbourhood(ctx, wardSlug);
  const row = await rowOf(ctx.db, assembly.id, storyId);
  if (!maySee(ctx, row)) throw new NotFound('No such file');
  let name: string | null = null;
  let contentType = 'image/webp';
  if (which === 'audio') {
    const ext = row.audio_key ? AUDIO_KEY.exec(row.audio_key)?.[1] : undefined;
    if (ext) {
      name = row.audio_key;
      contentType = AUDIO_TYPES[ext as AudioKind['extension']];
    }
  } else if (row.photo_key && PHOTO_KEY.test(row.photo_key)) {
    name = which === 'photo' ? row.photo_key : thumbOf(row.photo_key);
  }
  if (!name) throw new NotFound('No such file');
  const bytes = await files.read(name);
  if (!bytes) throw new NotFound('No such file');
  return { bytes, contentType, published: row.status === 'published' };
}
