import type { Mode, NoticeRules, NoticeUnit } from '../../../lib/street-notice/deadlines.js';
import type { Db } from '../../../platform/db/types.js';
import { NotFound } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { type Question, Questions } from './questions.js';

export const NOTICE_KINDS = [
  'street-party',
  'play-street',
  'road-closure',
  'green-space',
  'public-building',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];
export const LEGAL_INSTRUMENTS = ['none', 'tpca-1847-s21', 'rtra-1984-s14', 'rtra-1984-s16a'] as const;
export type LegalInstrument = (typeof LEGAL_INSTRUMENTS)[number];

export type DocumentToProvide = { id: string; name: string; hint: string; required: boolean };

/** A kind of notification a place takes, and its rules. All of it is public. */
export type NoticeType = NoticeRules & {
  id: string;
  slug: string;
  kind: NoticeKind;
  name: string;
  summary: string;
  guidance: string;
  legalInstrument: LegalInstrument;
  feePence: number;
  questions: Question[];
  documents: DocumentToProvide[];
  active: boolean;
  position: number;
};

type TypeRow = {
  id: string;
  slug: string;
  kind: NoticeKind;
  name: string;
  summary: string;
  guidance: string;
  notice_amount: number;
  notice_unit: NoticeUnit;
  legal_instrument: LegalInstrument;
  fee_pence: number;
  objection_working_days: number;
  decision_working_days: number;
  questions: unknown;
  documents: unknown;
  active: boolean;
  position: number;
};

const SELECT = `select id, slug, kind, name, summary, guidance, notice_amount, notice_unit, legal_instrument,
  fee_pence, objection_working_days, decision_working_days, questions, documents, active, position
  from street_notice_types`;

function toType(r: TypeRow): NoticeType {
  // Stored JSON is checked on the way in; parsing again means a bad row cannot reach a form.
  const questions = Questions.safeParse(r.questions);
  return {
    id: r.id,
    slug: r.slug,
    kind: r.kind,
    name: r.name,
    summary: r.summary,
    guidance: r.guidance,
    noticeAmount: r.notice_amount,
    noticeUnit: r.notice_unit,
    legalInstrument: r.legal_instrument,
    feePence: r.fee_pence,
    objectionWorkingDays: r.objection_working_days,
    decisionWorkingDays: r.decision_working_days,
    questions: questions.success ? questions.data : [],
    documents: Array.isArray(r.documents) ? (r.documents as DocumentToProvide[]) : [],
    active: r.active,
    position: r.position,
  };
}

export async function listNoticeTypes(
  ctx: ServiceContext,
  options: { activeOnly?: boolean } = {},
): Promise<NoticeType[]> {
  const rows = await ctx.db.query<TypeRow>(
    `${SELECT} where place_id = $1 ${options.activeOnly ? 'and active' : ''} order by position, name, id`,
    [ctx.place.id],
  );
  return rows.map(toType);
}

export async function getNoticeType(ctx: ServiceContext, slug: string): Promise<NoticeType> {
  const rows = await ctx.db.query<TypeRow>(`${SELECT} where place_id = $1 and slug = $2`, [
    ctx.place.id,
    slug,
  ]);
  if (!rows[0]) throw new NotFound();
  return toType(rows[0]);
}

export async function getNoticeTypeById(
  db: Pick<Db, 'query'>,
  placeId: string,
  id: string,
): Promise<NoticeType> {
  const rows = await db.query<TypeRow>(`${SELECT} where place_id = $1 and id = $2`, [placeId, id]);
  if (!rows[0]) throw new NotFound();
  return toType(rows[0]);
}

/** How the place takes notifications: notify and go (the default), or apply and wait. */
export async function streetMode(db: Pick<Db, 'query'>, placeId: string): Promise<Mode> {
  const rows = await db.query<{ power_of_competence: boolean }>(
    'select power_of_competence from street_settings where place_id = $1',
    [placeId],
  );
  return rows[0]?.power_of_competence === false ? 'approve' : 'notify';
}
