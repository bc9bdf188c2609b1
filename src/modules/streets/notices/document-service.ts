import { randomUUID } from 'node:crypto';
import { documentKind, safeFileName } from '../../../lib/file-kind/file-kind.js';
import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { SqlParam, Tx } from '../../../platform/db/types.js';
import type { FileStore } from '../../../platform/files/file-store.js';
import { Invalid, NotFound } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { enqueue } from '../../../platform/jobs/jobs.js';
import { can } from '../../../platform/roles/permissions.js';
import { getNoticeTypeById, type NoticeType } from '../types/type-service.js';
import {
  amend,
  assertChangeable,
  isOrganiser,
  loadRow,
  type NoticeRow,
  RESPOND,
  type Site,
} from './notice-service.js';

/** The largest document accepted: a scanned certificate or a phone's photo of a plan fits. */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;
/** Kith's folder for them, under the files directory; nothing serves it as it stands. */
const FOLDER = 'street-documents';
const E = 'streets.journey.documents.errors';

/** What came in one file field: its bytes (or that it was over the limit) and the name it had. */
export type DocumentUpload = { bytes: Buffer | null; tooLarge: boolean; fileName: string };

/** A document the resident has provided, as the organiser and officers see it. */
export type ProvidedDocument = {
  documentId: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  uploadedAt: Date;
};

type DocumentRow = {
  id: string;
  document_id: string;
  stored_name: string;
  file_name: string;
  content_type: string;
  size_bytes: number;
  uploaded_at: Date;
};

const COLUMNS = 'id, document_id, stored_name, file_name, content_type, size_bytes, uploaded_at';

const toDocument = (r: DocumentRow): ProvidedDocument => ({
  documentId: r.document_id,
  fileName: r.file_name,
  contentType: r.content_type,
  sizeBytes: Number(r.size_bytes),
  uploadedAt: r.uploaded_at,
});

/** The field a document's file input and its errors go by. */
export const documentField = (documentId: string) => `document-${documentId}`;

/** The organiser and officers may see a notification's documents; anyone else is told there are none. */
async function readable(ctx: ServiceContext, noticeId: string): Promise<NoticeRow> {
  const row = await loadRow(ctx.db, ctx.place.id, noticeId);
  if (!isOrganiser(ctx, row) && !can(ctx.actor, RESPOND)) throw new NotFound();
  return row;
}

/** A notification's documents, in the order its type asks for them. */
export async function listDocuments(ctx: ServiceContext, noticeId: string): Promise<ProvidedDocument[]> {
  const row = await readable(ctx, noticeId);
  const rows = await ctx.db.query<DocumentRow>(
    `select ${COLUMNS} from street_notice_documents where notice_id = $1 order by uploaded_at, id`,
    [row.id],
  );
  return rows.map(toDocument);
}

/** The bytes of one document, with a safe name and the type its bytes showed when it came in. */
export async function documentFile(
  ctx: ServiceContext,
  files: FileStore,
  noticeId: string,
  documentId: string,
): Promise<{ bytes: Buffer; fileName: string; contentType: string }> {
  const row = await readable(ctx, noticeId);
  const [doc] = await ctx.db.query<DocumentRow>(
    `select ${COLUMNS} from street_notice_documents where notice_id = $1 and document_id = $2`,
    [row.id, documentId],
  );
  if (!doc) throw new NotFound();
  const bytes = await files.read(doc.stored_name);
  if (!bytes) throw new NotFound();
  return { bytes, fileName: doc.file_name, contentType: doc.content_type };
}

const auditView = (r: Pick<DocumentRow, 'document_id' | 'file_name' | 'content_type' | 'size_bytes'>) => ({
  document: r.document_id,
  fileName: r.file_name,
  contentType: r.content_type,
  sizeBytes: Number(r.size_bytes),
});

/** A file checked and ready to store: Kith's name for it, and what it is. */
type Accepted = {
  documentId: string;
  storedName: string;
  fileName: string;
  contentType: string;
  bytes: Buffer;
};

/**
 * The organiser provides some of the documents the type asks for (one file each, PDF, JPEG or
 * PNG by its bytes, up to 10 MB); a new file for a document replaces the one before. Files that
 * pass are kept even when another field has a problem, so a second try only needs the ones that
 * failed. Errors name the field (`document-<id>`) and a message key; a required document still
 * missing afterwards is an error too, so Continue cannot pass it by. On a notification already
 * sent, a change is an amendment, as with any other step.
 */
export async function provideDocuments(
  ctx: ServiceContext,
  site: Site,
  files: FileStore,
  noticeId: string,
  uploads: Record<string, DocumentUpload>,
  now = new Date(),
): Promise<{ errors: Record<string, string> }> {
  const current = await loadRow(ctx.db, ctx.place.id, noticeId);
  assertChangeable(ctx, current);
  const type = await getNoticeTypeById(ctx.db, ctx.place.id, current.type_id);
  const errors: Record<string, string> = {};
  const accepted: Accepted[] = [];
  for (const doc of type.documents) {
    const upload = uploads[doc.id];
    if (!upload) continue;
    if (upload.tooLarge) errors[documentField(doc.id)] = `${E}.tooLarge`;
    else if (upload.bytes && upload.bytes.length > 0) {
      const kind = documentKind(upload.bytes);
      if (!kind) errors[documentField(doc.id)] = `${E}.wrongType`;
      else
        accepted.push({
          documentId: doc.id,
          storedName: `${FOLDER}/${randomUUID()}.${kind.extension}`,
          fileName: safeFileName(upload.fileName, kind.extension),
          contentType: kind.contentType,
          bytes: upload.bytes,
        });
    }
  }

  // Written before the rows that name them, and removed again if the rows never commit.
  const written: string[] = [];
  let replaced: string[] = [];
  try {
    for (const a of accepted) {
      await files.write(a.storedName, a.bytes);
      written.push(a.storedName);
    }
    replaced = await withTransaction(ctx.db, async (tx) => {
      const row = await loadRow(tx, ctx.place.id, noticeId, true);
      assertChangeable(ctx, row);
      const gone: string[] = [];
      const before: ReturnType<typeof auditView>[] = [];
      const after: ReturnType<typeof auditView>[] = [];
      for (const a of accepted) {
        const [old] = await tx.query<DocumentRow>(
          `delete from street_notice_documents where notice_id = $1 and document_id = $2 returning ${COLUMNS}`,
          [row.id, a.documentId],
        );
        if (old) {
          gone.push(old.stored_name);
          before.push(auditView(old));
        }
        const [inserted] = await tx.query<DocumentRow>(
          `insert into street_notice_documents
             (notice_id, document_id, stored_name, file_name, content_type, size_bytes, uploaded_by, uploaded_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8) returning ${COLUMNS}`,
          [
            row.id,
            a.documentId,
            a.storedName,
            a.fileName,
            a.contentType,
            a.bytes.length,
            ctx.actor?.userId ?? null,
            now,
          ],
        );
        after.push(auditView(inserted as DocumentRow));
      }
      if (accepted.length) await recordChange(tx, ctx, site, row, type, { before, after }, now);
      return gone;
    });
  } catch (error) {
    await files.remove(...written).catch(() => {});
    throw error;
  }
  // After the commit: had it failed, the old files would still be needed.
  await files.remove(...replaced).catch(() => {});

  const provided = new Set(
    (
      await ctx.db.query<{ document_id: string }>(
        'select document_id from street_notice_documents where notice_id = $1',
        [noticeId],
      )
    ).map((r) => r.document_id),
  );
  for (const doc of type.documents)
    if (doc.required && !provided.has(doc.id)) errors[documentField(doc.id)] ??= `${E}.missing`;
  return { errors };
}

/**
 * The organiser removes a document they provided. Once the notification is sent, a required
 * document can be replaced but not taken away: officers are relying on it.
 */
export async function removeDocument(
  ctx: ServiceContext,
  site: Site,
  files: FileStore,
  noticeId: string,
  documentId: string,
  now = new Date(),
): Promise<void> {
  const removed = await withTransaction(ctx.db, async (tx) => {
    const row = await loadRow(tx, ctx.place.id, noticeId, true);
    assertChangeable(ctx, row);
    const type = await getNoticeTypeById(tx, ctx.place.id, row.type_id);
    const wanted = type.documents.find((d) => d.id === documentId);
    if (wanted?.required && row.status !== 'draft')
      throw new Invalid({ [documentField(documentId)]: `${E}.requiredAfterSent` });
    const [old] = await tx.query<DocumentRow>(
      `delete from street_notice_documents where notice_id = $1 and document_id = $2 returning ${COLUMNS}`,
      [row.id, documentId],
    );
    if (!old) throw new NotFound();
    await recordChange(tx, ctx, site, row, type, { before: [auditView(old)], after: [] }, now);
    return old.stored_name;
  });
  await files.remove(removed).catch(() => {});
}

/** The audit record of a change to the documents, and on a sent notification, the amendment. */
async function recordChange(
  tx: Tx,
  ctx: ServiceContext,
  site: Site,
  row: NoticeRow,
  type: NoticeType,
  change: { before: ReturnType<typeof auditView>[]; after: ReturnType<typeof auditView>[] },
  now: Date,
) {
  await tx.query('update street_notices set updated_at = now() where id = $1', [row.id]);
  if (row.status !== 'draft') await amend(tx, ctx, site, row, type, { documents: 'documents' }, now);
  await audit(tx, {
    placeId: ctx.place.id,
    actorId: ctx.actor?.userId ?? null,
    action: row.status === 'draft' ? 'streets.notice.documents' : 'streets.notice.amend',
    targetType: 'street_notice',
    targetId: row.id,
    before: { documents: change.before },
    after: { documents: change.after },
    requestId: ctx.requestId ?? null,
  });
}

/** The job that removes document files once the rows naming them are gone (see forgetDocuments). */
export const REMOVE_FILES_JOB = 'streets.remove-document-files';

/**
 * Deletes the document rows of some notifications and books the removal of their files, in the
 * caller's transaction: the files go only if the deletion commits. Privacy hooks (erasure and
 * retention) have a transaction but no file store, hence the job.
 */
export async function forgetDocuments(tx: Tx, where: string, params: SqlParam[]): Promise<number> {
  const gone = await tx.query<{ stored_name: string }>(
    `delete from street_notice_documents where notice_id in (select id from street_notices where ${where})
     returning stored_name`,
    params,
  );
  if (gone.length) await enqueue(tx, REMOVE_FILES_JOB, { names: gone.map((g) => g.stored_name) });
  return gone.length;
}

/** The job's work: remove the named files (only names in Kith's documents folder). */
export async function removeDocumentFiles(files: FileStore, names: unknown): Promise<void> {
  if (!Array.isArray(names)) return;
  const ours = names.filter(
    (n): n is string => typeof n === 'string' && n.startsWith(`${FOLDER}/`) && !n.includes('..'),
  );
  await files.remove(...ours);
}
