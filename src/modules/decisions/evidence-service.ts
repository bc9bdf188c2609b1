import { randomUUID } from 'node:crypto';
import { documentKind, safeFileName } from '../../lib/file-kind/file-kind.js';
import { audit } from '../../platform/audit/audit.js';
import { withTransaction } from '../../platform/db/transaction.js';
import type { FileStore } from '../../platform/files/file-store.js';
import { Forbidden, Invalid, NotFound } from '../../platform/http/errors.js';
import type { FileUpload } from '../../platform/http/file-uploads.js';
import { isUuid } from '../../platform/http/ids.js';
import type { ServiceContext } from '../../platform/http/request-context.js';
import { MAX_TITLE } from './decision-input.js';
import { getDecision, isManager } from './decision-service.js';

/** Ten megabytes: a committee report with its appendices, not a scanned archive. */
export const MAX_EVIDENCE_BYTES = 10 * 1024 * 1024;
const E = 'decisions.errors';

/**
 * An officer uploads an evidence document. It must be a PDF by its contents (its first bytes),
 * whatever its name or the browser say; it is stored under a name Kith makes and offered for
 * download under a cleaned version of the name it came with.
 */
export async function addEvidenceFile(
  ctx: ServiceContext,
  files: FileStore,
  decisionId: string,
  raw: { title?: unknown },
  upload: FileUpload,
): Promise<string> {
  if (!isManager(ctx)) throw new Forbidden();
  const decision = await getDecision(ctx, decisionId);
  const errors: Record<string, string> = {};
  const title = typeof raw.title === 'string' ? raw.title.trim() : '';
  if (!title) errors.title = `${E}.evidenceTitleMissing`;
  else if (title.length > MAX_TITLE) errors.title = `${E}.evidenceTitleTooLong`;
  if (upload.tooLarge) errors.file = `${E}.fileTooLarge`;
  else if (!upload.bytes || upload.bytes.length === 0) errors.file = `${E}.fileMissing`;
  else if (documentKind(upload.bytes)?.contentType !== 'application/pdf') errors.file = `${E}.fileNotPdf`;
  if (Object.keys(errors).length || !upload.bytes) throw new Invalid(errors);
  const bytes = upload.bytes;
  const storedName = `decisions/${randomUUID()}.pdf`;
  const fileName = safeFileName(upload.fileName, 'pdf', 'evidence');
  await files.write(storedName, bytes);
  try {
    return await withTransaction(ctx.db, async (tx) => {
      await tx.query('select 1 from decisions where id = $1 for update', [decision.id]);
      const [row] = await tx.query<{ id: string }>(
        `insert into decision_evidence (decision_id, title, stored_name, file_name, size_bytes)
         values ($1, $2, $3, $4, $5) returning id`,
        [decision.id, title, storedName, fileName, bytes.length],
      );
      await tx.query('update decisions set updated_at = now() where id = $1', [decision.id]);
      await audit(tx, {
        placeId: ctx.place.id,
        actorId: ctx.actor?.userId ?? null,
        action: 'decisions.evidence.upload',
        targetType: 'decision',
        targetId: decision.id,
        after: { partId: row?.id, title, fileName, sizeBytes: bytes.length },
        requestId: ctx.requestId ?? null,
      });
      return row?.id as string;
    });
  } catch (error) {
    await files.remove(storedName).catch(() => {});
    throw error;
  }
}

/** An uploaded evidence document, for anyone who may see its decision (drafts: officers only). */
export async function evidenceFile(
  ctx: ServiceContext,
  files: FileStore,
  decisionId: string,
  evidenceId: string,
): Promise<{ bytes: Buffer; fileName: string }> {
  const decision = await getDecision(ctx, decisionId);
  if (!isUuid(evidenceId)) throw new NotFound();
  const [doc] = await ctx.db.query<{ stored_name: string | null; file_name: string | null }>(
    'select stored_name, file_name from decision_evidence where id = $1 and decision_id = $2',
    [evidenceId.toLowerCase(), decision.id],
  );
  if (!doc?.stored_name || !doc.file_name) throw new NotFound();
  const bytes = await files.read(doc.stored_name);
  if (!bytes) throw new NotFound();
  return { bytes, fileName: doc.file_name };
}
