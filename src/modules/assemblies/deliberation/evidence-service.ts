import { randomUUID } from 'node:crypto';
import { documentKind, safeFileName } from '../../../lib/file-kind/file-kind.js';
import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Db, Tx } from '../../../platform/db/types.js';
import type { FileStore } from '../../../platform/files/file-store.js';
import { Invalid, NotFound, validated } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import {
  type Assembly,
  type AssemblySession,
  getAssembly,
  requireAssignedOfficer,
} from '../setup/assembly-service.js';
import { DocumentInput, SpeakerInput } from './deliberation-input.js';

/**
 * The evidence members hear at each session, published with it: documents (PDF, downloadable
 * by anyone) and the speakers who gave evidence. Officers assigned to the assembly add them.
 */

/** The largest document accepted: a long report with pictures fits. */
export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;
/** Kith's folder for them under the files directory; served only by the download route. */
const FOLDER = 'assembly-documents';
const E = 'assemblies.deliberation.errors';

/** What came in the file field: its bytes (or that it was over the limit) and the name it had. */
export type DocumentUpload = { bytes: Buffer | null; tooLarge: boolean; fileName: string };

export type SessionDocument = {
  number: number;
  title: string;
  fileName: string;
  sizeBytes: number;
  uploadedAt: Date;
};

export type Speaker = { position: number; name: string; role: string; topic: string; link: string | null };

export type SessionEvidence = {
  assembly: Assembly;
  session: AssemblySession;
  documents: SessionDocument[];
  speakers: Speaker[];
};

/** A session by its position in the timetable ("1" is the first), or no such page. */
export function sessionOf(assembly: Assembly, position: string | number): AssemblySession {
  const n = typeof position === 'number' ? position : /^[1-9]\d{0,4}$/.test(position) ? Number(position) : 0;
  const session = assembly.sessions.find((s) => s.position === n);
  if (!session) throw new NotFound('assemblies.deliberation.noSession');
  return session;
}

/** The documents and speakers of some sessions, by session id. */
export async function evidenceOf(
  db: Db | Tx,
  sessionIds: string[],
): Promise<Map<string, { documents: SessionDocument[]; speakers: Speaker[] }>> {
  const out = new Map<string, { documents: SessionDocument[]; speakers: Speaker[] }>();
  for (const id of sessionIds) out.set(id, { documents: [], speakers: [] });
  if (!sessionIds.length) return out;
  const documents = await db.query<{
    session_id: string;
    number: number;
    title: string;
    file_name: string;
    size_bytes: number;
    uploaded_at: Date;
  }>(
    `select session_id, number, title, file_name, size_bytes, uploaded_at from assembly_session_documents
     where session_id = any($1::uuid[]) order by number`,
    [sessionIds],
  );
  for (const d of documents)
    out.get(d.session_id)?.documents.push({
      number: d.number,
      title: d.title,
      fileName: d.file_name,
      sizeBytes: Number(d.size_bytes),
      uploadedAt: new Date(d.uploaded_at),
    });
  const speakers = await db.query<{
    session_id: string;
    position: number;
    name: string;
    role: string;
    topic: string;
    link: string | null;
  }>(
    `select session_id, position, name, role, topic, link from assembly_session_speakers
     where session_id = any($1::uuid[]) order by position`,
    [sessionIds],
  );
  for (const s of speakers)
    out.get(s.session_id)?.speakers.push({
      position: s.position,
      name: s.name,
      role: s.role,
      topic: s.topic,
      link: s.link,
    });
  return out;
}

/** One session with its evidence (public: the evidence is published as it is given). */
export async function getSessionEvidence(
  ctx: ServiceContext,
  slug: string,
  position: string | number,
): Promise<SessionEvidence> {
  const assembly = await getAssembly(ctx, slug);
  const session = sessionOf(assembly, position);
  const evidence = (await evidenceOf(ctx.db, [session.id])).get(session.id) ?? {
    documents: [],
    speakers: [],
  };
  return { assembly, session, ...evidence };
}

/** An assigned officer's view of a session, for the evidence forms. */
export async function sessionForOfficer(ctx: ServiceContext, slug: string, position: string | number) {
  const evidence = await getSessionEvidence(ctx, slug, position);
  await requireAssignedOfficer(ctx, evidence.assembly);
  return evidence;
}

/** Adds a speaker to a session (assigned officers). Returns their position in the list. */
export async function addSpeaker(
  ctx: ServiceContext,
  slug: string,
  position: string | number,
  raw: unknown,
): Promise<number> {
  const { assembly, session } = await sessionForOfficer(ctx, slug, position);
  const input = validated(SpeakerInput, raw);
  return withTransaction(ctx.db, async (tx) => {
    // The session row is locked so two officers adding at once get the next positions in turn.
    await tx.query('select 1 from assembly_sessions where id = $1 for update', [session.id]);
    const [next] = await tx.query<{ n: number }>(
      'select coalesce(max(position), 0) + 1 as n from assembly_session_speakers where session_id = $1',
      [session.id],
    );
    const n = Number(next?.n ?? 1);
    await tx.query(
      `insert into assembly_session_speakers (session_id, position, name, role, topic, link, created_by)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [session.id, n, input.name, input.role, input.topic, input.link, ctx.actor?.userId ?? null],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'assemblies.evidence.speaker',
      targetType: 'assembly_session',
      targetId: session.id,
      after: { assembly: assembly.slug, session: session.position, position: n, ...input },
      requestId: ctx.requestId ?? null,
    });
    return n;
  });
}

/**
 * Adds a document to a session (assigned officers): a PDF by its bytes, up to 20 MB, whatever it
 * is called. The file is written before the row that names it and removed again if the row
 * never commits. Returns the document's number within the session.
 */
export async function addDocument(
  ctx: ServiceContext,
  files: FileStore,
  slug: string,
  position: string | number,
  raw: unknown,
  upload: DocumentUpload,
): Promise<number> {
  const { assembly, session } = await sessionForOfficer(ctx, slug, position);
  const errors: Record<string, string> = {};
  const parsed = DocumentInput.safeParse(raw);
  if (!parsed.success) errors.title = parsed.error.issues[0]?.message ?? `${E}.documentTitleMissing`;
  let kind = null;
  if (upload.tooLarge) errors.file = `${E}.fileTooLarge`;
  else if (!upload.bytes || upload.bytes.length === 0) errors.file = `${E}.fileMissing`;
  else {
    kind = documentKind(upload.bytes);
    if (kind?.contentType !== 'application/pdf') errors.file = `${E}.fileNotPdf`;
  }
  if (Object.keys(errors).length || !parsed.success || !upload.bytes) throw new Invalid(errors);
  const bytes = upload.bytes;
  const storedName = `${FOLDER}/${randomUUID()}.pdf`;
  const fileName = safeFileName(upload.fileName, 'pdf');
  await files.write(storedName, bytes);
  try {
    return await withTransaction(ctx.db, async (tx) => {
      await tx.query('select 1 from assembly_sessions where id = $1 for update', [session.id]);
      const [next] = await tx.query<{ n: number }>(
        'select coalesce(max(number), 0) + 1 as n from assembly_session_documents where session_id = $1',
        [session.id],
      );
      const n = Number(next?.n ?? 1);
      await tx.query(
        `insert into assembly_session_documents
           (session_id, number, title, stored_name, file_name, content_type, size_bytes, uploaded_by)
         values ($1, $2, $3, $4, $5, 'application/pdf', $6, $7)`,
        [session.id, n, parsed.data.title, storedName, fileName, bytes.length, ctx.actor?.userId ?? null],
      );
      await audit(tx, {
        placeId: ctx.place.id,
        actorId: ctx.actor?.userId ?? null,
        action: 'assemblies.evidence.document',
        targetType: 'assembly_session',
        targetId: session.id,
        after: {
          assembly: assembly.slug,
          session: session.position,
          number: n,
          title: parsed.data.title,
          fileName,
          sizeBytes: bytes.length,
        },
        requestId: ctx.requestId ?? null,
      });
      return n;
    });
  } catch (error) {
    await files.remove(storedName).catch(() => {});
    throw error;
  }
}

/** A session document's bytes and safe name, for anyone to download. */
export async function documentFile(
  ctx: ServiceContext,
  files: FileStore,
  slug: string,
  position: string | number,
  number: string,
): Promise<{ bytes: Buffer; fileName: string }> {
  const assembly = await getAssembly(ctx, slug);
  const session = sessionOf(assembly, position);
  if (!/^[1-9]\d{0,5}$/.test(number)) throw new NotFound();
  const [doc] = await ctx.db.query<{ stored_name: string; file_name: string }>(
    'select stored_name, file_name from assembly_session_documents where session_id = $1 and number = $2',
    [session.id, Number(number)],
  );
  if (!doc) throw new NotFound();
  const bytes = await files.read(doc.stored_name);
  if (!bytes) throw new NotFound();
  return { bytes, fileName: doc.file_name };
}

/** Takes a speaker off a session's evidence (assigned officers), e.g. one added by mistake. */
export async function removeSpeaker(
  ctx: ServiceContext,
  slug: string,
  position: string | number,
  speaker: string,
): Promise<void> {
  const { assembly, session } = await sessionForOfficer(ctx, slug, position);
  if (!/^[1-9]\d{0,5}$/.test(speaker)) throw new NotFound();
  await withTransaction(ctx.db, async (tx) => {
    const [gone] = await tx.query<{ name: string; role: string; topic: string }>(
      `delete from assembly_session_speakers where session_id = $1 and position = $2
       returning name, role, topic`,
      [session.id, Number(speaker)],
    );
    if (!gone) throw new NotFound();
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'assemblies.evidence.speaker-remove',
      targetType: 'assembly_session',
      targetId: session.id,
      before: { assembly: assembly.slug, session: session.position, position: Number(speaker), ...gone },
      requestId: ctx.requestId ?? null,
    });
  });
}

/**
 * Takes a document off a session's evidence (assigned officers). The file goes once the row has.
 */
export async function removeDocument(
  ctx: ServiceContext,
  files: FileStore,
  slug: string,
  position: string | number,
  number: string,
): Promise<void> {
  const { assembly, session } = await sessionForOfficer(ctx, slug, position);
  if (!/^[1-9]\d{0,5}$/.test(number)) throw new NotFound();
  const storedName = await withTransaction(ctx.db, async (tx) => {
    const [gone] = await tx.query<{ stored_name: string; title: string; file_name: string }>(
      `delete from assembly_session_documents where session_id = $1 and number = $2
       returning stored_name, title, file_name`,
      [session.id, Number(number)],
    );
    if (!gone) throw new NotFound();
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'assemblies.evidence.document-remove',
      targetType: 'assembly_session',
      targetId: session.id,
      before: {
        assembly: assembly.slug,
        session: session.position,
        number: Number(number),
        title: gone.title,
        fileName: gone.file_name,
      },
      requestId: ctx.requestId ?? null,
    });
    return gone.stored_name;
  });
  await files.remove(storedName).catch(() => {});
}
