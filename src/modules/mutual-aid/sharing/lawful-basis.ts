import { z } from 'zod';
import { audit } from '../../../platform/audit/audit.js';
import { withTransaction } from '../../../platform/db/transaction.js';
import { Forbidden, NotFound, validated } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import type { LawfulBasis } from '../../../platform/module-definition.js';
import { can } from '../../../platform/roles/permissions.js';

/**
 * The lawful-basis register: every flow of personal data in mutual aid, why it is lawful
 * (UK GDPR Article 6, and Article 9 where it is health or other special category data),
 * what is shared, with whom and for how long. Kith ships these defaults, versioned; a place
 * may word any row its own way (its data protection officer's advice wins).
 */
export const REGISTER_VERSION = '2026-11';

export const BASES = [
  'consent',
  'contract',
  'legal-obligation',
  'vital-interests',
  'public-task',
  'legitimate-interests',
  'none',
] as const;
export type Basis = LawfulBasis | 'none';

/** Article 9 conditions that mutual aid can rely on; `none` when no special category data flows. */
export const CONDITIONS = [
  'none',
  'explicit-consent',
  'vital-interests',
  'support-disability',
  'safeguarding',
] as const;
export type Condition = (typeof CONDITIONS)[number];

export const FLOWS = [
  'own-post',
  'post-on-behalf',
  'match-contact',
  'referral-agreement',
  'referral-consent',
  'consent-records',
  'agreement-signatures',
  'care-circles',
  'dbs-questions',
] as const;
export type Flow = (typeof FLOWS)[number];

const DEFAULTS: Record<Flow, { basis: Basis; condition: Condition }> = {
  'own-post': { basis: 'consent', condition: 'none' },
  'post-on-behalf': { basis: 'consent', condition: 'none' },
  'match-contact': { basis: 'consent', condition: 'none' },
  'referral-agreement': { basis: 'public-task', condition: 'support-disability' },
  'referral-consent': { basis: 'consent', condition: 'explicit-consent' },
  'consent-records': { basis: 'legal-obligation', condition: 'none' },
  'agreement-signatures': { basis: 'public-task', condition: 'none' },
  'care-circles': { basis: 'consent', condition: 'explicit-consent' },
  'dbs-questions': { basis: 'none', condition: 'none' },
};

/** One row of the register, as people read it. Texts are either catalogue keys or a place's own words. */
export type RegisterRow = {
  flow: Flow;
  basis: Basis;
  condition: Condition;
  purpose: string;
  dataItems: string;
  recipients: string;
  retention: string;
  notes: string;
  /** True when the place has worded this row itself. */
  local: boolean;
  updatedAt: Date | null;
};

const key = (flow: Flow, part: string) => `mutualAid.sharing.flows.${flow}.${part}`;

type OverrideRow = {
  flow: Flow;
  basis: Basis;
  condition: Condition;
  purpose: string;
  data_items: string;
  recipients: string;
  retention: string;
  notes: string;
  updated_at: Date;
};

/** The register for this place: Kith's defaults, with the place's own rows in their place. */
export async function lawfulBasisRegister(
  ctx: ServiceContext,
  t: (key: string) => string,
): Promise<RegisterRow[]> {
  const rows = await ctx.db.query<OverrideRow>(
    'select flow, basis, condition, purpose, data_items, recipients, retention, notes, updated_at from aid_lawful_basis_overrides where place_id = $1',
    [ctx.place.id],
  );
  const local = new Map(rows.map((r) => [r.flow, r]));
  return FLOWS.map((flow) => {
    const o = local.get(flow);
    if (o)
      return {
        flow,
        basis: o.basis,
        condition: o.condition,
        purpose: o.purpose,
        dataItems: o.data_items,
        recipients: o.recipients,
        retention: o.retention,
        notes: o.notes,
        local: true,
        updatedAt: new Date(o.updated_at),
      };
    return {
      flow,
      ...DEFAULTS[flow],
      purpose: t(key(flow, 'purpose')),
      dataItems: t(key(flow, 'data')),
      recipients: t(key(flow, 'recipients')),
      retention: t(key(flow, 'retention')),
      notes: t(key(flow, 'notes')),
      local: false,
      updatedAt: null,
    };
  });
}

const text = (max: number, missing: string, tooLong: string) =>
  z.string().trim().min(1, missing).max(max, tooLong);

export const FlowInput = z.object({
  basis: z.enum(BASES, 'mutualAid.sharing.errors.basisMissing'),
  condition: z.enum(CONDITIONS, 'mutualAid.sharing.errors.conditionMissing'),
  purpose: text(1000, 'mutualAid.sharing.errors.purposeMissing', 'mutualAid.sharing.errors.purposeTooLong'),
  dataItems: text(1000, 'mutualAid.sharing.errors.dataItemsMissing', 'mutualAid.sharing.errors.textTooLong'),
  recipients: text(
    1000,
    'mutualAid.sharing.errors.recipientsMissing',
    'mutualAid.sharing.errors.textTooLong',
  ),
  retention: text(
    1000,
    'mutualAid.sharing.errors.retentionTextMissing',
    'mutualAid.sharing.errors.textTooLong',
  ),
  notes: z.string().trim().max(2000, 'mutualAid.sharing.errors.textTooLong').default(''),
});
export type FlowInput = z.infer<typeof FlowInput>;

export function isFlow(s: string): s is Flow {
  return (FLOWS as readonly string[]).includes(s);
}

/** An officer words one row of the register for their place (or, with `null`, goes back to Kith's). */
export async function setFlowWording(ctx: ServiceContext, flow: string, raw: unknown | null): Promise<void> {
  if (!can(ctx.actor, 'mutual-aid.sharing.manage')) throw new Forbidden();
  if (!isFlow(flow)) throw new NotFound('No such data flow');
  const input = raw === null ? null : validated(FlowInput, raw);
  await withTransaction(ctx.db, async (tx) => {
    const [before] = await tx.query(
      'delete from aid_lawful_basis_overrides where place_id = $1 and flow = $2 returning basis, condition, purpose, data_items, recipients, retention, notes',
      [ctx.place.id, flow],
    );
    if (input)
      await tx.query(
        `insert into aid_lawful_basis_overrides (place_id, flow, basis, condition, purpose, data_items, recipients, retention, notes, updated_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          ctx.place.id,
          flow,
          input.basis,
          input.condition,
          input.purpose,
          input.dataItems,
          input.recipients,
          input.retention,
          input.notes,
          ctx.actor?.userId ?? null,
        ],
      );
    await audit(tx, {
      placeId: ctx.place.id,
      actorId: ctx.actor?.userId ?? null,
      action: input ? 'mutual-aid.sharing.register-word' : 'mutual-aid.sharing.register-default',
      targetType: 'aid-lawful-basis',
      targetId: null,
      before: before ?? null,
      after: input ? { flow, ...input } : { flow, version: REGISTER_VERSION },
      requestId: ctx.requestId ?? null,
    });
  });
}
