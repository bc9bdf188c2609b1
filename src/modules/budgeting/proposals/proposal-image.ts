import { randomUUID } from 'node:crypto';
import { processPhoto, UnusablePhoto } from '../../../lib/images/photo-image.js';
import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { FileStore } from '../../../platform/files/file-store.js';
import { type FieldErrors, Invalid, NotFound } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { getProcess } from '../processes/process-service.js';
import { ImageAltInput } from './proposal-input.js';
import { IMAGE_NAME, imageName, lockedForImage, thumbName } from './proposal-service.js';

/** The largest upload accepted: a phone's photo fits with room to spare. */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
const E = 'budgeting.proposals.errors';

/** What came in the form's file field: its bytes, or that it was over the size limit. */
export type ImageUpload = { bytes: Buffer | null; tooLarge: boolean };

/**
 * The author (while the proposal waits for its check) or an officer gives a proposal its one
 * image, with alt text. It is checked and resized the way space photos are (upright, no
 * metadata, WebP) and replaces any image it had. The files are written first and removed if
 * the database refuses the change; the old files go once the new ones are in place.
 */
export async function setProposalImage(
  ctx: ServiceContext,
  files: FileStore,
  processSlug: string,
  number: number | string,
  upload: ImageUpload,
  raw: unknown,
): Promise<void> {
  const errors: FieldErrors = {};
  const alt = ImageAltInput.safeParse(raw);
  if (!alt.success) errors.altText = alt.error.issues[0]?.message ?? `${E}.altMissing`;
  if (upload.tooLarge) errors.file = `${E}.imageTooLarge`;
  else if (!upload.bytes || upload.bytes.length === 0) errors.file = `${E}.imageMissing`;
  // Who may, and whether it is still open, before the picture is decoded.
  await withTransaction(ctx.db, (tx) => lockedForImage(ctx, tx, processSlug, number));
  let processed: Awaited<ReturnType<typeof processPhoto>> | null = null;
  if (!errors.file && upload.bytes) {
    try {
      processed = await processPhoto(upload.bytes);
    } catch (error) {
      if (!(error instanceof UnusablePhoto)) throw error;
      errors.file = `${E}.image-${error.problem}`;
    }
  }
  if (Object.keys(errors).length || !processed || !alt.success) throw new Invalid(errors);
  const name = imageName(randomUUID());
  const written: string[] = [];
  try {
    await files.write(name, processed.large.data);
    written.push(name);
    await files.write(thumbName(name), processed.thumb.data);
    written.push(thumbName(name));
  } catch (error) {
    await files.remove(...written).catch(() => {});
    throw error;
  }
  let old: string | null = null;
  try {
    await withTransaction(ctx.db, async (tx) => {
      const p = await lockedForImage(ctx, tx, processSlug, number);
      old = p.imageKey;
      await tx.query(
        'update pb_proposals set image_key = $2, image_alt = $3, updated_at = now() where id = $1',
        [p.id, name, alt.data.altText],
      );
      await audit(tx, {
        placeId: ctx.place.id,
        actorId: ctx.actor?.userId ?? null,
        action: 'budgeting.proposal.image',
        targetType: 'pb_proposal',
        targetId: p.id,
        before: { image: p.imageKey, alt: p.imageAlt },
        after: { image: name, alt: alt.data.altText },
        requestId: ctx.requestId ?? null,
      });
    });
  } catch (error) {
    await files.remove(...written).catch(() => {});
    throw error;
  }
  if (old && IMAGE_NAME.test(old)) await files.remove(old, thumbName(old)).catch(() => {});
}

/** Takes the image off a proposal (same people as setProposalImage). */
export async function removeProposalImage(
  ctx: ServiceContext,
  files: FileStore,
  processSlug: string,
  number: number | string,
): Promise<void> {
  const old = await withTransaction(ctx.db, async (tx) => {
    const p = await lockedForImage(ctx, tx, processSlug, number);
    if (!p.imageKey) return null;
    await tx.query(
      'update pb_proposals set image_key = null, image_alt = null, updated_at = now() where id = $1',
      [p.id],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'budgeting.proposal.image-remove',
      targetType: 'pb_proposal',
      targetId: p.id,
      before: { image: p.imageKey, alt: p.imageAlt },
      requestId: ctx.requestId ?? null,
    });
    return p.imageKey;
  });
  if (old && IMAGE_NAME.test(old)) await files.remove(old, thumbName(old));
}

/** `<id>.webp` or `<id>-thumb.webp`: the only file names an image's address can end with. */
const SERVED = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(-thumb)?\.webp$/;

/** The bytes of a proposal's current image (large or thumbnail); NotFound otherwise (public). */
export async function proposalImageFile(
  ctx: ServiceContext,
  files: FileStore,
  processSlug: string,
  number: number | string,
  requested: string,
): Promise<Buffer> {
  const match = SERVED.exec(requested);
  if (!match) throw new NotFound('No such image');
  const process = await getProcess(ctx, processSlug);
  const n = typeof number === 'number' ? number : /^\d{1,6}$/.test(number) ? Number(number) : 0;
  const [row] = await ctx.db.query<{ image_key: string | null }>(
    'select image_key from pb_proposals where process_id = $1 and number = $2',
    [process.id, n],
  );
  const name = imageName(match[1] as string);
  if (!row || row.image_key !== name) throw new NotFound('No such image');
  const bytes = await files.read(match[2] ? thumbName(name) : name);
  if (!bytes) throw new NotFound('No such image');
  return bytes;
}
