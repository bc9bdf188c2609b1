import { randomUUID } from 'node:crypto';
import { processPhoto, THUMB_SIZE, UnusablePhoto } from '../../../lib/images/photo-image.js';
import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Tx } from '../../../platform/db/types.js';
import type { FileStore } from '../../../platform/files/file-store.js';
import { type FieldErrors, Forbidden, Invalid, NotFound, validated } from '../../../platform/http/errors.js';
import { isUuid } from '../../../platform/http/ids.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { can } from '../../../platform/roles/permissions.js';
import { getSpace } from '../spaces/space-service.js';
import { AltTextInput, MAX_PHOTOS, MoveInput } from './photo-input.js';

/** A photo of a space, as the public sees it: both sizes' addresses and the words for it. */
export type Photo = {
  id: string;
  altText: string;
  position: number;
  url: string;
  width: number;
  height: number;
  thumbUrl: string;
  thumbWidth: number;
  thumbHeight: number;
};

/** What came in the form's file field: its bytes, or that it was over the size limit. */
export type PhotoUpload = { bytes: Buffer | null; tooLarge: boolean };

type SpaceRef = { id: string; slug: string };
type PhotoRow = {
  id: string;
  space_id: string;
  file_name: string;
  alt_text: string;
  width: number;
  height: number;
  position: number;
};

const FOLDER = 'space-photos';
const largeName = (id: string) => `${FOLDER}/${id}.webp`;
/** The thumbnail sits beside the large file, named after it. */
const thumbName = (fileName: string) => fileName.replace(/\.webp$/, '-thumb.webp');

/** The thumbnail's size, as sharp makes it: the large one scaled to fit 480 pixels square. */
function thumbSize(width: number, height: number): { width: number; height: number } {
  const scale = Math.min(1, THUMB_SIZE / Math.max(width, height));
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

function toPhoto(placeSlug: string, spaceSlug: string, r: PhotoRow): Photo {
  const base = `/${placeSlug}/spaces/${spaceSlug}/photos/${r.id}`;
  const thumb = thumbSize(r.width, r.height);
  return {
    id: r.id,
    altText: r.alt_text,
    position: Number(r.position),
    url: `${base}.webp`,
    width: r.width,
    height: r.height,
    thumbUrl: `${base}-thumb.webp`,
    thumbWidth: thumb.width,
    thumbHeight: thumb.height,
  };
}

const COLUMNS = 'id, space_id, file_name, alt_text, width, height, position';
const ORDER = 'order by position, created_at, id';

/** A space's photos in the order its officers chose. */
export async function listPhotos(ctx: ServiceContext, space: SpaceRef): Promise<Photo[]> {
  const rows = await ctx.db.query<PhotoRow>(
    `select ${COLUMNS} from space_photos where space_id = $1 ${ORDER}`,
    [space.id],
  );
  return rows.map((r) => toPhoto(ctx.place.slug, space.slug, r));
}

/** The photos of several spaces at once (for the open-data list), by space id. */
export async function photosOfSpaces(ctx: ServiceContext, spaces: SpaceRef[]): Promise<Map<string, Photo[]>> {
  const bySpace = new Map<string, Photo[]>(spaces.map((s) => [s.id, []]));
  if (!spaces.length) return bySpace;
  const slugs = new Map(spaces.map((s) => [s.id, s.slug]));
  const rows = await ctx.db.query<PhotoRow>(
    `select ${COLUMNS} from space_photos where space_id = any($1::uuid[]) ${ORDER}`,
    [spaces.map((s) => s.id)],
  );
  for (const r of rows)
    bySpace.get(r.space_id)?.push(toPhoto(ctx.place.slug, slugs.get(r.space_id) ?? '', r));
  return bySpace;
}

function mayManage(ctx: ServiceContext) {
  if (!can(ctx.actor, 'spaces.manage')) throw new Forbidden();
}

function auditView(r: Pick<PhotoRow, 'alt_text' | 'width' | 'height' | 'position'>) {
  return { altText: r.alt_text, width: r.width, height: r.height, position: Number(r.position) };
}

/** The space's photos, locked, so that two officers' changes to the same space take turns. */
async function lockedPhotos(tx: Tx, spaceId: string): Promise<PhotoRow[]> {
  await tx.query('select id from spaces where id = $1 for update', [spaceId]);
  return tx.query<PhotoRow>(`select ${COLUMNS} from space_photos where space_id = $1 ${ORDER}`, [spaceId]);
}

async function photoIn(
  tx: Tx,
  spaceId: string,
  photoId: string,
): Promise<{ rows: PhotoRow[]; row: PhotoRow }> {
  if (!isUuid(photoId)) throw new NotFound('No such photo');
  const rows = await lockedPhotos(tx, spaceId);
  const row = rows.find((r) => r.id === photoId.toLowerCase());
  if (!row) throw new NotFound('No such photo');
  return { rows, row };
}

/**
 * An officer adds a photo to a space: the file must be a JPEG, PNG or WebP picture within the
 * size limit and the alt text must be given; both problems are reported together. The picture
 * is stored resized, upright and without its metadata, under Kith's own name. The files are
 * written first and removed again if the database refuses the row, so neither is left alone.
 */
export async function addPhoto(
  ctx: ServiceContext,
  files: FileStore,
  spaceSlug: string,
  upload: PhotoUpload,
  raw: unknown,
): Promise<Photo> {
  mayManage(ctx);
  const space = await getSpace(ctx, spaceSlug);
  const errors: FieldErrors = {};
  const alt = AltTextInput.safeParse(raw);
  if (!alt.success) errors.altText = alt.error.issues[0]?.message ?? 'spaces.photos.errors.altMissing';
  if (upload.tooLarge) errors.file = 'spaces.photos.errors.tooLarge';
  else if (!upload.bytes || upload.bytes.length === 0) errors.file = 'spaces.photos.errors.fileMissing';
  const [{ n } = { n: 0 }] = await ctx.db.query<{ n: number }>(
    'select count(*)::int as n from space_photos where space_id = $1',
    [space.id],
  );
  if (n >= MAX_PHOTOS) errors.file = 'spaces.photos.errors.tooMany';
  let processed: Awaited<ReturnType<typeof processPhoto>> | null = null;
  if (!errors.file && upload.bytes) {
    try {
      processed = await processPhoto(upload.bytes);
    } catch (error) {
      if (!(error instanceof UnusablePhoto)) throw error;
      errors.file = `spaces.photos.errors.${error.problem}`;
    }
  }
  if (Object.keys(errors).length || !processed || !alt.success) throw new Invalid(errors);

  const id = randomUUID();
  const fileName = largeName(id);
  const written: string[] = [];
  try {
    await files.write(fileName, processed.large.data);
    written.push(fileName);
    await files.write(thumbName(fileName), processed.thumb.data);
    written.push(thumbName(fileName));
  } catch (error) {
    await files.remove(...written).catch(() => {});
    throw error;
  }
  try {
    const row = await withTransaction(ctx.db, async (tx) => {
      const rows = await lockedPhotos(tx, space.id);
      // Counted again under the lock: two uploads at once cannot pass the limit together.
      if (rows.length >= MAX_PHOTOS) throw new Invalid({ file: 'spaces.photos.errors.tooMany' });
      const position = rows.reduce((max, r) => Math.max(max, Number(r.position) + 1), 0);
      const [inserted] = await tx.query<PhotoRow>(
        `insert into space_photos (id, space_id, file_name, alt_text, width, height, position)
         values ($1, $2, $3, $4, $5, $6, $7) returning ${COLUMNS}`,
        [id, space.id, fileName, alt.data.altText, processed.large.width, processed.large.height, position],
      );
      const row = inserted as PhotoRow;
      await audit(tx, {
        placeId: ctx.place.id,
        actorId: ctx.actor?.userId ?? null,
        action: 'spaces.photo.add',
        targetType: 'space-photo',
        targetId: id,
        after: { space: space.slug, ...auditView(row) },
        requestId: ctx.requestId ?? null,
      });
      return row;
    });
    return toPhoto(ctx.place.slug, space.slug, row);
  } catch (error) {
    await files.remove(...written).catch(() => {});
    throw error;
  }
}

/** An officer rewrites a photo's alt text. */
export async function changeAltText(
  ctx: ServiceContext,
  spaceSlug: string,
  photoId: string,
  raw: unknown,
): Promise<void> {
  mayManage(ctx);
  const space = await getSpace(ctx, spaceSlug);
  const input = validated(AltTextInput, raw);
  await withTransaction(ctx.db, async (tx) => {
    const { row } = await photoIn(tx, space.id, photoId);
    await tx.query('update space_photos set alt_text = $2 where id = $1', [row.id, input.altText]);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'spaces.photo.alt-text',
      targetType: 'space-photo',
      targetId: row.id,
      before: { altText: row.alt_text },
      after: { altText: input.altText },
      requestId: ctx.requestId ?? null,
    });
  });
}

/** An officer moves a photo one place earlier or later; the first photo leads the space's page. */
export async function movePhoto(
  ctx: ServiceContext,
  spaceSlug: string,
  photoId: string,
  raw: unknown,
): Promise<void> {
  mayManage(ctx);
  const space = await getSpace(ctx, spaceSlug);
  const { direction } = validated(MoveInput, raw);
  await withTransaction(ctx.db, async (tx) => {
    const { rows, row } = await photoIn(tx, space.id, photoId);
    const from = rows.indexOf(row);
    const to = direction === 'up' ? from - 1 : from + 1;
    // Already first (or last): nothing to change, and nothing to record.
    if (to < 0 || to >= rows.length) return;
    const order = [...rows];
    [order[from], order[to]] = [order[to] as PhotoRow, row];
    for (const [position, r] of order.entries())
      if (Number(r.position) !== position)
        await tx.query('update space_photos set position = $2 where id = $1', [r.id, position]);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'spaces.photo.move',
      targetType: 'space-photo',
      targetId: row.id,
      before: { position: from },
      after: { position: to },
      requestId: ctx.requestId ?? null,
    });
  });
}

/** An officer removes a photo: the row goes, then both files. */
export async function removePhoto(
  ctx: ServiceContext,
  files: FileStore,
  spaceSlug: string,
  photoId: string,
): Promise<void> {
  mayManage(ctx);
  const space = await getSpace(ctx, spaceSlug);
  const removed = await withTransaction(ctx.db, async (tx) => {
    const { row } = await photoIn(tx, space.id, photoId);
    await tx.query('delete from space_photos where id = $1', [row.id]);
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'spaces.photo.remove',
      targetType: 'space-photo',
      targetId: row.id,
      before: { space: space.slug, ...auditView(row) },
      requestId: ctx.requestId ?? null,
    });
    return row;
  });
  // After the commit: were the transaction to fail, the photo would still need its files.
  await files.remove(removed.file_name, thumbName(removed.file_name));
}

/** `<id>.webp` or `<id>-thumb.webp`: the only file names a photo's address can end with. */
const SERVED = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(-thumb)?\.webp$/;

/** The bytes of a photo (large or thumbnail) of a space in this place; NotFound otherwise. */
export async function photoFile(
  ctx: ServiceContext,
  files: FileStore,
  spaceSlug: string,
  requested: string,
): Promise<Buffer> {
  const match = SERVED.exec(requested);
  if (!match) throw new NotFound('No such photo');
  const [, id, thumb] = match;
  const [row] = await ctx.db.query<{ file_name: string }>(
    `select p.file_name from space_photos p join spaces s on s.id = p.space_id
     where s.place_id = $1 and s.slug = $2 and p.id = $3`,
    [ctx.place.id, spaceSlug, id as string],
  );
  if (!row) throw new NotFound('No such photo');
  const bytes = await files.read(thumb ? thumbName(row.file_name) : row.file_name);
  if (!bytes) throw new NotFound('No such photo');
  return bytes;
}
