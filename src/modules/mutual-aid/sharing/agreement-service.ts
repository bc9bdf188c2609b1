import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import type { Db, Tx } from '../../../platform/db/types.js';
import { Forbidden, Invalid, NotFound, validated } from '../../../platform/http/errors.js';
import { isUuid } from '../../../platform/http/ids.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import { can } from '../../../platform/roles/permissions.js';
import { type GroupName, groupNames, groupsOrganisedBy } from '../../directory/groups/group-lookup.js';
import { getGroup } from '../../directory/groups/group-service.js';
import {
  AgreementInput,
  SHARED_FIELDS,
  type SharedField,
  SignInput,
  TEMPLATE_VERSION,
} from './sharing-input.js';

export type AgreementStatus = 'draft' | 'awaiting-group' | 'awaiting-council' | 'signed' | 'ended';

/**
 * A data-sharing agreement between the council and one group. Drafted by an officer from the
 * template, signed first for the group by one of its organisers, then for the council. Once
 * anyone has signed, its terms are fixed: a change is a new agreement.
 */
export type Agreement = {
  id: string;
  group: GroupName;
  templateVersion: string;
  purpose: string;
  fields: SharedField[];
  retentionDays: number;
  reviewDate: Date;
  status: AgreementStatus;
  /** Signed and past its review date: still valid, but flagged so someone looks at it again. */
  reviewDue: boolean;
  groupSignature: { name: string; at: Date } | null;
  councilSignature: { name: string; jobTitle: string; at: Date } | null;
  createdAt: Date;
  endedAt: Date | null;
};

type AgreementRow = {
  id: string;
  group_id: string;
  template_version: string;
  purpose: string;
  fields: SharedField[];
  retention_days: number;
  review_date: Date | string;
  status: AgreementStatus;
  group_signatory_name: string | null;
  group_signed_at: Date | null;
  council_signatory_name: string | null;
  council_signatory_role: string | null;
  council_signed_at: Date | null;
  created_at: Date;
  ended_at: Date | null;
};

const COLUMNS = `id, group_id, template_version, purpose, fields, retention_days, review_date::text as review_date, status,
  group_signatory_name, group_signed_at, council_signatory_name, council_signatory_role, council_signed_at,
  created_at, ended_at`;

function dateOnly(d: Date | string): Date {
  const s = typeof d === 'string' ? d : d.toISOString();
  return new Date(`${s.slice(0, 10)}T00:00:00Z`);
}

function toAgreement(r: AgreementRow, groups: Map<string, GroupName>, now: Date): Agreement {
  const reviewDate = dateOnly(r.review_date);
  return {
    id: r.id,
    group: groups.get(r.group_id) ?? { id: r.group_id, slug: '', name: '', isHub: false },
    templateVersion: r.template_version,
    purpose: r.purpose,
    fields: r.fields,
    retentionDays: r.retention_days,
    reviewDate,
    status: r.status,
    reviewDue: r.status === 'signed' && reviewDate.getTime() < dateOnly(now).getTime(),
    groupSignature:
      r.group_signed_at && r.group_signatory_name
        ? { name: r.group_signatory_name, at: new Date(r.group_signed_at) }
        : null,
    councilSignature:
      r.council_signed_at && r.council_signatory_name
        ? {
            name: r.council_signatory_name,
            jobTitle: r.council_signatory_role ?? '',
            at: new Date(r.council_signed_at),
          }
        : null,
    createdAt: new Date(r.created_at),
    endedAt: r.ended_at ? new Date(r.ended_at) : null,
  };
}

async function withGroups(db: Db | Tx, placeId: string, rows: AgreementRow[], now: Date) {
  const groups = await groupNames(
    db,
    placeId,
    rows.map((r) => r.group_id),
  );
  return rows.map((r) => toAgreement(r, groups, now));
}

const PUBLISHED: AgreementStatus[] = ['signed', 'ended'];

/**
 * Agreements as the viewer may see them: signed and ended ones are public (parties, purpose,
 * fields, dates); drafts only to officers and the group's own organisers.
 */
export async function listAgreements(
  ctx: ServiceContext,
  options: { publishedOnly?: boolean } = {},
  now = new Date(),
): Promise<Agreement[]> {
  const staff = !options.publishedOnly && can(ctx.actor, 'mutual-aid.sharing.manage');
  const mine = options.publishedOnly
    ? []
    : (await groupsOrganisedBy(ctx.db, ctx.place.id, ctx.actor?.userId)).map((g) => g.id);
  const rows = await ctx.db.query<AgreementRow>(
    `select ${COLUMNS} from aid_sharing_agreements
     where place_id = $1 and (status = any($2) or $3 or group_id = any($4::uuid[]))
     order by case status when 'ended' then 1 else 0 end, created_at desc, id`,
    [ctx.place.id, PUBLISHED, staff, mine],
  );
  return withGroups(ctx.db, ctx.place.id, rows, now);
}

export type AgreementView = Agreement & {
  viewer: { organiser: boolean; council: boolean; canEdit: boolean; canSign: boolean; canDownload: boolean };
};

async function findAgreement(db: Db | Tx, placeId: string, id: string, now: Date) {
  if (!isUuid(id)) return null;
  const rows = await db.query<AgreementRow>(
    `select ${COLUMNS} from aid_sharing_agreements where place_id = $1 and id = $2`,
    [placeId, id],
  );
  return rows[0] ? ((await withGroups(db, placeId, rows, now))[0] ?? null) : null;
}

async function isOrganiserOf(ctx: ServiceContext, groupId: string): Promise<boolean> {
  return (await groupsOrganisedBy(ctx.db, ctx.place.id, ctx.actor?.userId)).some((g) => g.id === groupId);
}

function editable(a: Agreement) {
  return (a.status === 'draft' || a.status === 'awaiting-group') && !a.groupSignature && !a.councilSignature;
}

export async function getAgreement(
  ctx: ServiceContext,
  id: string,
  now = new Date(),
): Promise<AgreementView> {
  const a = await findAgreement(ctx.db, ctx.place.id, id, now);
  if (!a) throw new NotFound('No such agreement');
  const organiser = await isOrganiserOf(ctx, a.group.id);
  const council = can(ctx.actor, 'mutual-aid.sharing.manage');
  if (!PUBLISHED.includes(a.status) && !organiser && !council) throw new NotFound('No such agreement');
  return {
    ...a,
    viewer: {
      organiser,
      council,
      canEdit: council && editable(a),
      canSign: (a.status === 'awaiting-group' && organiser) || (a.status === 'awaiting-council' && council),
      // The signed document, with signatories' names, is for the two parties.
      canDownload: PUBLISHED.includes(a.status) && (organiser || council),
    },
  };
}

/** Refuses (403) anyone who is neither an officer nor an organiser of the agreement's group. */
export async function requireParty(
  ctx: ServiceContext,
  id: string,
  now = new Date(),
): Promise<AgreementView> {
  const council = can(ctx.actor, 'mutual-aid.sharing.manage');
  const a = await findAgreement(ctx.db, ctx.place.id, id, now);
  if (!a) {
    if (!council && !(await groupsOrganisedBy(ctx.db, ctx.place.id, ctx.actor?.userId)).length)
      throw new Forbidden();
    throw new NotFound('No such agreement');
  }
  if (!council && !(await isOrganiserOf(ctx, a.group.id))) throw new Forbidden();
  return getAgreement(ctx, id, now);
}

function snapshot(a: Pick<Agreement, 'purpose' | 'fields' | 'retentionDays' | 'reviewDate'>) {
  return {
    purpose: a.purpose,
    fields: a.fields,
    retentionDays: a.retentionDays,
    reviewDate: a.reviewDate.toISOString().slice(0, 10),
  };
}

/** An officer drafts an agreement with a group from the template. Returns its id. */
export async function createAgreement(ctx: ServiceContext, raw: unknown): Promise<string> {
  if (!can(ctx.actor, 'mutual-aid.sharing.manage')) throw new Forbidden();
  const input = validated(AgreementInput, raw);
  const group = await getGroup(ctx, input.groupId).catch(() => null);
  if (!group || group.status === 'closed')
    throw new Invalid({ groupId: 'mutualAid.sharing.errors.groupMissing' });
  return withTransaction(ctx.db, async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      `insert into aid_sharing_agreements (place_id, group_id, template_version, purpose, fields, retention_days, review_date, created_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8) returning id`,
      [
        ctx.place.id,
        group.id,
        TEMPLATE_VERSION,
        input.purpose,
        SHARED_FIELDS.filter((f) => input.fields.includes(f)),
        input.retentionDays,
        input.reviewDate.toISOString().slice(0, 10),
        ctx.actor?.userId ?? null,
      ],
    );
    const id = row?.id as string;
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'mutual-aid.agreement.create',
      targetType: 'aid-sharing-agreement',
      targetId: id,
      after: { groupId: group.id, templateVersion: TEMPLATE_VERSION, ...snapshot(input) },
      requestId: ctx.requestId ?? null,
    });
    return id;
  });
}

/** An officer changes the terms; only possible before anyone has signed. */
export async function updateAgreement(ctx: ServiceContext, id: string, raw: unknown): Promise<void> {
  if (!can(ctx.actor, 'mutual-aid.sharing.manage')) throw new Forbidden();
  const before = await findAgreement(ctx.db, ctx.place.id, id, new Date());
  if (!before) throw new NotFound('No such agreement');
  if (!editable(before)) throw new Invalid({ purpose: 'mutualAid.sharing.errors.termsFixed' });
  const input = validated(AgreementInput, { ...(raw as object), groupId: before.group.id });
  await withTransaction(ctx.db, async (tx) => {
    // The status and signatures are checked again inside the update, so a signature made
    // between reading and writing cannot be slipped under changed terms.
    const rows = await tx.query(
      `update aid_sharing_agreements set purpose = $3, fields = $4, retention_days = $5, review_date = $6, updated_at = now()
       where place_id = $1 and id = $2 and status in ('draft', 'awaiting-group')
         and group_signed_at is null and council_signed_at is null returning id`,
      [
        ctx.place.id,
        before.id,
        input.purpose,
        SHARED_FIELDS.filter((f) => input.fields.includes(f)),
        input.retentionDays,
        input.reviewDate.toISOString().slice(0, 10),
      ],
    );
    if (!rows.length) throw new Invalid({ purpose: 'mutualAid.sharing.errors.termsFixed' });
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: 'mutual-aid.agreement.update',
      targetType: 'aid-sharing-agreement',
      targetId: before.id,
      before: snapshot(before),
      after: snapshot(input),
      requestId: ctx.requestId ?? null,
    });
  });
}

async function setStatus(
  ctx: ServiceContext,
  id: string,
  from: AgreementStatus[],
  to: AgreementStatus,
  action: string,
  extra: { sql: string; params: unknown[] } = { sql: '', params: [] },
  error = 'mutualAid.sharing.errors.wrongStep',
) {
  await withTransaction(ctx.db, async (tx) => {
    const rows = await tx.query<{ id: string }>(
      `update aid_sharing_agreements set status = $3, updated_at = now()${extra.sql}
       where place_id = $1 and id = $2 and status = any($4) returning id`,
      [ctx.place.id, id, to, from, ...(extra.params as string[])],
    );
    if (!rows.length) throw new Invalid({ agreement: error });
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action,
      targetType: 'aid-sharing-agreement',
      targetId: id,
      before: { status: from },
      after: { status: to },
      requestId: ctx.requestId ?? null,
    });
  });
}

/** An officer sends a draft to the group for signature. */
export async function sendAgreement(ctx: ServiceContext, id: string): Promise<void> {
  if (!can(ctx.actor, 'mutual-aid.sharing.manage')) throw new Forbidden();
  if (!(await findAgreement(ctx.db, ctx.place.id, id, new Date()))) throw new NotFound('No such agreement');
  await setStatus(ctx, id, ['draft'], 'awaiting-group', 'mutual-aid.agreement.send');
}

/** Ends an agreement: no referral may rely on it from now on. Either party may end it. */
export async function endAgreement(ctx: ServiceContext, id: string): Promise<void> {
  await requireParty(ctx, id);
  await setStatus(
    ctx,
    id,
    ['draft', 'awaiting-group', 'awaiting-council', 'signed'],
    'ended',
    'mutual-aid.agreement.end',
    { sql: ', ended_at = now()', params: [] },
  );
}

/**
 * One side signs: first an organiser of the group, then an officer for the council. A signature
 * is a typed full name, a statement of authority and the time; it is audited and cannot be undone.
 */
export async function signAgreement(ctx: ServiceContext, id: string, raw: unknown): Promise<AgreementStatus> {
  const a = await requireParty(ctx, id);
  const input = validated(SignInput, raw);
  if (a.status === 'awaiting-group') {
    if (!a.viewer.organiser) throw new Invalid({ fullName: 'mutualAid.sharing.errors.groupSignsFirst' });
    await setStatus(ctx, id, ['awaiting-group'], 'awaiting-council', 'mutual-aid.agreement.sign-group', {
      sql: ', group_signatory_id = $5, group_signatory_name = $6, group_signed_at = now()',
      params: [ctx.actor?.userId ?? null, input.fullName],
    });
    return 'awaiting-council';
  }
  if (a.status === 'awaiting-council') {
    if (!a.viewer.council) throw new Invalid({ fullName: 'mutualAid.sharing.errors.councilSigns' });
    if (!input.jobTitle) throw new Invalid({ jobTitle: 'mutualAid.sharing.errors.jobTitleMissing' });
    await setStatus(ctx, id, ['awaiting-council'], 'signed', 'mutual-aid.agreement.sign-council', {
      sql: ', council_signatory_id = $5, council_signatory_name = $6, council_signatory_role = $7, council_signed_at = now()',
      params: [ctx.actor?.userId ?? null, input.fullName, input.jobTitle],
    });
    return 'signed';
  }
  throw new Invalid({
    fullName:
      a.status === 'draft' ? 'mutualAid.sharing.errors.notSent' : 'mutualAid.sharing.errors.notForSigning',
  });
}

/**
 * The agreement a referral to this group may rely on: signed, not ended, and covering every
 * field being sent. Otherwise, why not (for a clear message).
 */
export async function agreementFor(
  db: Db | Tx,
  placeId: string,
  groupId: string,
  fields: SharedField[],
  now = new Date(),
): Promise<{ ok: true; agreement: Agreement } | { ok: false; missing: SharedField[] | null }> {
  const rows = await db.query<AgreementRow>(
    `select ${COLUMNS} from aid_sharing_agreements where place_id = $1 and group_id = $2 and status = 'signed'
     order by council_signed_at desc`,
    [placeId, groupId],
  );
  const agreements = await withGroups(db, placeId, rows, now);
  const covering = agreements.find((a) => fields.every((f) => a.fields.includes(f)));
  if (covering) return { ok: true, agreement: covering };
  const first = agreements[0];
  return { ok: false, missing: first ? fields.filter((f) => !first.fields.includes(f)) : null };
}
