import { z } from 'zod';
import { slugify } from '../../../lib/text/slug.js';
import { Forbidden, Invalid, validated } from '../../../platform/http/errors.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import type { Translate } from '../../../platform/i18n/i18n.js';
import { can } from '../../../platform/roles/permissions.js';
import { listWards } from '../../wards/ward-service.js';
import {
  type Assembly,
  type AssemblyFeature,
  getAssembly,
  MANAGE,
  quotaProblems,
  setFeatures,
} from './assembly-service.js';
import { CENSUS_KEYS, censusSuggestions } from './census-shares.js';

const E = 'assemblies.setup.errors';

/** The id of a quota input, which the error summary links to. */
export const quotaId = (feature: string, value: string, end: 'min' | 'max' | 'label') =>
  `q-${feature}-${value}-${end}`;
/** The posted name of a quota input: `<feature>.<value>.<min|max|label>`. */
export const quotaName = (feature: string, value: string, end: 'min' | 'max' | 'label') =>
  `${feature}.${value}.${end}`;

export type QuotaFormResult =
  | { ok: true; features: AssemblyFeature[] }
  | {
      ok: false;
      features: AssemblyFeature[];
      errors: Record<string, string>;
      values: Record<string, string>;
    };

const WHOLE = /^\d{1,3}$/;

/**
 * The quotas page posted: for each of the assembly's features (the server's list, so a form can
 * only change numbers, labels and names, or drop a feature), the new min, max and labels.
 * Errors are keyed by input id, then the quota arithmetic is checked as the service will.
 */
export function readQuotaForm(assembly: Assembly, body: unknown): QuotaFormResult {
  const fields = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const text = (name: string) => {
    const v = fields[name];
    return typeof v === 'string' ? v.trim() : '';
  };
  const values: Record<string, string> = {};
  const errors: Record<string, string> = {};
  const features: AssemblyFeature[] = [];
  for (const f of assembly.features) {
    if (text(`${f.key}.remove`) === 'yes') continue;
    const name = text(`${f.key}.name`) || f.name;
    values[`${f.key}.name`] = name;
    if (name.length > 80) errors[`q-${f.key}-name`] = `${E}.featureNameTooLong`;
    const out: AssemblyFeature = { ...f, name, values: [] };
    for (const v of f.values) {
      const n = (end: 'min' | 'max' | 'label') => quotaName(f.key, v.value, end);
      const label = text(n('label')) || v.label;
      const min = text(n('min'));
      const max = text(n('max'));
      values[n('label')] = label;
      values[n('min')] = min;
      values[n('max')] = max;
      if (label.length > 120) errors[quotaId(f.key, v.value, 'label')] = `${E}.valueLabelTooLong`;
      if (!WHOLE.test(min)) errors[quotaId(f.key, v.value, 'min')] = `${E}.minWhole`;
      if (!WHOLE.test(max)) errors[quotaId(f.key, v.value, 'max')] = `${E}.maxWhole`;
      out.values.push({ ...v, label, min: Number(min), max: Number(max) });
    }
    features.push(out);
  }
  if (Object.keys(errors).length) return { ok: false, features, errors, values };
  const problems = quotaProblemsById(features, assembly.panelSize);
  if (Object.keys(problems).length) return { ok: false, features, errors: problems, values };
  return { ok: true, features };
}

/** quotaProblems' errors (keyed `<feature>` or `<feature>.<value>`) keyed by input id instead. */
export function quotaProblemsById(features: AssemblyFeature[], panelSize: number): Record<string, string> {
  return idsFor(quotaProblems(features, panelSize));
}

function idsFor(problems: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, message] of Object.entries(problems)) {
    const [feature = '', value] = key.split(/\.(.*)/s);
    if (value !== undefined) {
      const end = message.endsWith('maxOverPanel') ? 'max' : 'min';
      out[quotaId(feature, value, end)] = message;
    } else out[`q-${feature}-name`] = message;
  }
  return out;
}

/** Saves the quotas read from the form; the service checks the arithmetic again. */
export async function saveQuotas(ctx: ServiceContext, assembly: Assembly, features: AssemblyFeature[]) {
  try {
    await setFeatures(ctx, assembly.slug, features);
  } catch (error) {
    if (error instanceof Invalid) throw new Invalid(idsFor(error.fieldErrors));
    throw error;
  }
}

/**
 * Fills in (or refreshes) the Census features with quotas suggested for the panel size,
 * keeping the officer's own features after them. False for places without figures.
 */
export async function fillFromCensus(ctx: ServiceContext, slug: string, t: Translate): Promise<boolean> {
  if (!ctx.actor || !can(ctx.actor, MANAGE)) throw new Forbidden();
  const assembly = await getAssembly(ctx, slug);
  const suggested = censusSuggestions(ctx.place.slug, await listWards(ctx), assembly.panelSize, t);
  if (!suggested) return false;
  const own = assembly.features.filter((f) => !(CENSUS_KEYS as readonly string[]).includes(f.key));
  await setFeatures(ctx, slug, [...suggested, ...own].slice(0, 12));
  return true;
}

/** A feature of the officer's own (e.g. attitude to climate change): a name and its values, one a line. */
export const CustomFeatureInput = z.object({
  name: z
    .string(`${E}.featureNameRequired`)
    .trim()
    .min(1, `${E}.featureNameRequired`)
    .max(80, `${E}.featureNameTooLong`),
  values: z
    .string(`${E}.featureValuesRequired`)
    .transform((s) =>
      s
        .split(/\r?\n/)
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(z.string().max(120, `${E}.valueLabelTooLong`))
        .min(2, `${E}.featureValuesRequired`)
        .max(40, `${E}.featureValuesTooMany`),
    ),
});

/**
 * Adds the officer's own feature with no population shares: each value starts at 0 to the
 * whole panel, which always holds together, for the officer to narrow.
 */
export async function addCustomFeature(ctx: ServiceContext, slug: string, raw: unknown): Promise<string> {
  if (!ctx.actor || !can(ctx.actor, MANAGE)) throw new Forbidden();
  const input = validated(CustomFeatureInput, raw);
  const assembly = await getAssembly(ctx, slug);
  if (assembly.features.length >= 12) throw new Invalid({ name: `${E}.tooManyFeatures` });
  const taken = new Set(assembly.features.map((f) => f.key));
  const base = slugify(input.name).slice(0, 36).replace(/-+$/, '') || 'feature';
  let key = base;
  for (let n = 2; taken.has(key); n++) key = `${base}-${n}`;
  const seen = new Set<string>();
  const values = input.values.map((label, i) => {
    let value = slugify(label).slice(0, 60) || `value-${i + 1}`;
    if (seen.has(value)) value = `${value}-${i + 1}`;
    seen.add(value);
    return { value, label, share: null, min: 0, max: assembly.panelSize };
  });
  await setFeatures(ctx, slug, [...assembly.features, { key, name: input.name, source: '', values }]);
  return key;
}
