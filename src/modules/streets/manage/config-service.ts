import type { Mode } from '../../../lib/street-notice/deadlines.js';
import { slugify } from '../../../lib/text/slug.js';
import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Tx } from '../../../platform/db/types.js';
import { Forbidden, Invalid, NotFound, validated } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { can } from '../../../platform/roles/permissions.js';
import { type Question, Questions } from '../types/questions.js';
import { DocumentInput, ListChange, QuestionInput, TypeInput, windowProblems } from '../types/type-input.js';
import {
  type DocumentToProvide,
  getNoticeTypeById,
  type NoticeType,
  streetMode,
} from '../types/type-service.js';

/** A place admin's part: how the place takes notifications, and the kinds it takes. */
export const CONFIGURE = 'streets.configure';

function mustConfigure(ctx: ServiceContext) {
  if (!can(ctx.actor, CONFIGURE)) throw new Forbidden();
}

/** The place's mode, for the settings page. */
export async function getStreetMode(ctx: ServiceContext): Promise<Mode> {
  mustConfigure(ctx);
  return streetMode(ctx.db, ctx.place.id);
}

/**
 * Changes how the place takes notifications from now on. Notifications already made keep the
 * mode they were made under (street_notices.mode), so their rules do not change under them.
 */
export async function setStreetMode(ctx: ServiceContext, mode: Mode): Promise<void> {
  mustConfigure(ctx);
  if (mode !== 'notify' && mode !== 'approve')
    throw new Invalid({ mode: 'streets.manage.settings.modeMissing' });
  await withTransaction(ctx.db, async (tx) => {
    const before = await streetMode(tx, ctx.place.id);
    await tx.query(
      `insert into street_settings (place_id, power_of_competence, updated_at) values ($1, $2, now())
       on conflict (place_id) do update set power_of_competence = excluded.power_of_competence, updated_at = now()`,
      [ctx.place.id, mode === 'notify'],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'streets.settings.update',
      targetType: 'street_settings',
      targetId: ctx.place.id,
      before: { mode: before },
      after: { mode },
      requestId: ctx.requestId ?? null,
    });
  });
}

// Words the type pages already use under /streets/types/.
const RESERVED = new Set(['new']);

async function freeSlug(tx: Tx, placeId: string, name: string): Promise<string> {
  const base = slugify(name).slice(0, 50).replace(/-+$/, '') || 'notification';
  for (let n = 1; ; n++) {
    const slug = n === 1 ? base : `${base}-${n}`;
    if (RESERVED.has(slug)) continue;
    const taken = await tx.query('select 1 from street_notice_types where place_id = $1 and slug = $2', [
      placeId,
      slug,
    ]);
    if (taken.length === 0) return slug;
  }
}

function checkedType(raw: unknown): TypeInput {
  const input = validated(TypeInput, raw);
  const problems = windowProblems(input);
  if (Object.keys(problems).length) throw new Invalid(problems);
  return input;
}

const columns = (i: TypeInput) => [
  i.name,
  i.summary,
  i.guidance,
  i.kind,
  i.noticeAmount,
  i.noticeUnit,
  i.legalInstrument,
  i.fee,
  i.objectionWorkingDays,
  i.decisionWorkingDays,
  i.active,
];

/** Adds a kind of notification; returns its slug (which never changes, since people link to it). */
export async function createNoticeType(ctx: ServiceContext, raw: unknown): Promise<string> {
  mustConfigure(ctx);
  const input = checkedType(raw);
  return withTransaction(ctx.db, async (tx) => {
    const slug = await freeSlug(tx, ctx.place.id, input.name);
    const rows = await tx.query<{ id: string }>(
      `insert into street_notice_types (place_id, slug, name, summary, guidance, kind, notice_amount, notice_unit,
         legal_instrument, fee_pence, objection_working_days, decision_working_days, active, position)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
         (select coalesce(max(position) + 1, 0) from street_notice_types where place_id = $1))
       returning id`,
      [ctx.place.id, slug, ...columns(input)],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'streets.type.create',
      targetType: 'street_notice_type',
      targetId: rows[0]?.id ?? null,
      after: { slug, ...input },
      requestId: ctx.requestId ?? null,
    });
    return slug;
  });
}

/**
 * Changes a type's rules. Notifications already made keep the deadlines worked out when they
 * were made; the new rules apply to the next one.
 */
export async function updateNoticeType(ctx: ServiceContext, slug: string, raw: unknown): Promise<void> {
  mustConfigure(ctx);
  const input = checkedType(raw);
  await withTransaction(ctx.db, async (tx) => {
    const before = await lockedType(tx, ctx, slug);
    await tx.query(
      `update street_notice_types set name = $3, summary = $4, guidance = $5, kind = $6, notice_amount = $7,
         notice_unit = $8, legal_instrument = $9, fee_pence = $10, objection_working_days = $11,
         decision_working_days = $12, active = $13, updated_at = now()
       where place_id = $1 and id = $2`,
      [ctx.place.id, before.id, ...columns(input)],
    );
    const { questions, documents, ...rules } = before;
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'streets.type.update',
      targetType: 'street_notice_type',
      targetId: before.id,
      before: rules,
      after: input,
      requestId: ctx.requestId ?? null,
    });
  });
}

async function lockedType(tx: Tx, ctx: ServiceContext, slug: string): Promise<NoticeType> {
  const locked = await tx.query<{ id: string }>(
    'select id from street_notice_types where place_id = $1 and slug = $2 for update',
    [ctx.place.id, slug],
  );
  if (!locked[0]) throw new NotFound();
  return getNoticeTypeById(tx, ctx.place.id, locked[0].id);
}

/** An id for a new question or document from its wording, unique within the list. */
function newId(text: string, taken: readonly string[], max: number): string {
  let base = slugify(text)
    .slice(0, max - 3)
    .replace(/-+$/, '');
  if (!/^[a-z]/.test(base)) base = `q${base ? `-${base}` : ''}`.slice(0, max - 3);
  for (let n = 1; ; n++) {
    const id = n === 1 ? base : `${base}-${n}`;
    if (!taken.includes(id)) return id;
  }
}

function moved<T extends { id: string }>(items: T[], change: ListChange): T[] {
  const at = items.findIndex((x) => x.id === change.id);
  if (at < 0) throw new Invalid({ id: 'streets.types.errors.itemUnknown' });
  const out = [...items];
  if (change.change === 'remove') out.splice(at, 1);
  else {
    const to = change.change === 'up' ? at - 1 : at + 1;
    if (to < 0 || to >= out.length) return out;
    [out[at], out[to]] = [out[to] as T, out[at] as T];
  }
  return out;
}

type ListColumn = 'questions' | 'documents';

async function writeList(
  ctx: ServiceContext,
  slug: string,
  column: ListColumn,
  change: (type: NoticeType) => unknown[],
  what: string,
): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    const type = await lockedType(tx, ctx, slug);
    const before = type[column];
    const after = change(type);
    await tx.query(
      `update street_notice_types set ${column} = $3, updated_at = now() where place_id = $1 and id = $2`,
      [ctx.place.id, type.id, JSON.stringify(after)],
    );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: `streets.type.${what}`,
      targetType: 'street_notice_type',
      targetId: type.id,
      before: { [column]: before },
      after: { [column]: after },
      requestId: ctx.requestId ?? null,
    });
  });
}

const MAX_DOCUMENTS = 10;

/** Adds a question at the end of the type's questions. */
export async function addQuestion(ctx: ServiceContext, slug: string, raw: unknown): Promise<void> {
  mustConfigure(ctx);
  const input = validated(QuestionInput, raw);
  await writeList(
    ctx,
    slug,
    'questions',
    (type) => {
      const question: Question = {
        id: newId(
          input.label,
          type.questions.map((q) => q.id),
          40,
        ),
        ...input,
      };
      const checked = Questions.safeParse([...type.questions, question]);
      if (!checked.success) throw new Invalid({ questionLabel: 'streets.types.errors.tooManyQuestions' });
      return checked.data;
    },
    'question.add',
  );
}

/** Moves a question up or down, or removes it (answers already given stay with their notifications). */
export async function changeQuestion(ctx: ServiceContext, slug: string, raw: unknown): Promise<void> {
  mustConfigure(ctx);
  const change = validated(ListChange, raw);
  await writeList(
    ctx,
    slug,
    'questions',
    (type) => moved(type.questions, change),
    `question.${change.change}`,
  );
}

/** Adds a document to provide at the end of the list. */
export async function addDocument(ctx: ServiceContext, slug: string, raw: unknown): Promise<void> {
  mustConfigure(ctx);
  const input = validated(DocumentInput, raw);
  await writeList(
    ctx,
    slug,
    'documents',
    (type) => {
      if (type.documents.length >= MAX_DOCUMENTS)
        throw new Invalid({ documentName: 'streets.types.errors.tooManyDocuments' });
      const document: DocumentToProvide = {
        id: newId(
          input.name,
          type.documents.map((d) => d.id),
          60,
        ),
        ...input,
      };
      return [...type.documents, document];
    },
    'document.add',
  );
}

export async function changeDocument(ctx: ServiceContext, slug: string, raw: unknown): Promise<void> {
  mustConfigure(ctx);
  const change = validated(ListChange, raw);
  await writeList(
    ctx,
    slug,
    'documents',
    (type) => moved(type.documents, change),
    `document.${change.change}`,
  );
}

/** The type form's values for an existing type (the edit page starts from these). */
export function typeFormValues(type: NoticeType): Record<string, string> {
  const fee = type.feePence % 100 === 0 ? String(type.feePence / 100) : (type.feePence / 100).toFixed(2);
  return {
    name: type.name,
    summary: type.summary,
    guidance: type.guidance,
    kind: type.kind,
    noticeAmount: String(type.noticeAmount),
    noticeUnit: type.noticeUnit,
    legalInstrument: type.legalInstrument,
    fee,
    objectionWorkingDays: String(type.objectionWorkingDays),
    decisionWorkingDays: String(type.decisionWorkingDays),
    active: type.active ? 'yes' : 'no',
  };
}
