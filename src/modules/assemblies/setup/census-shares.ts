import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { type PopulationCount, suggestQuotas } from '../../../lib/sortition/quota-suggestions.js';
import type { Translate } from '../../../platform/i18n/i18n.js';
import type { AssemblyFeature } from './assembly-service.js';

const DEMO = fileURLToPath(new URL('../../../../demo-data/', import.meta.url));
const MID_YEAR = 'trafford/population/mid-year_2024_population_estimates_ward.csv';
const ETHNICITY = 'trafford/census2021/ethnicity/2021_population_ethnic_group_ward_trafford.csv';
const DISABILITY = 'trafford/census2021/health_disability_unpaid_care/2021_disability_ward_trafford.csv';

/** The places whose population figures Kith holds (the demo place's files are in demo-data/). */
export const CENSUS_PLACES = new Set(['trafford']);

/** Age bands of the panel: residents 16 and over. */
export const AGE_BANDS = [
  { value: '16-29', from: 16, to: 29 },
  { value: '30-44', from: 30, to: 44 },
  { value: '45-59', from: 45, to: 59 },
  { value: '60-74', from: 60, to: 74 },
  { value: '75-plus', from: 75, to: 90 },
] as const;

/** The five high-level ethnic groups of Census 2021, by the start of the detailed category. */
const ETHNIC_GROUPS = [
  { value: 'asian', prefix: 'Asian' },
  { value: 'black', prefix: 'Black' },
  { value: 'mixed', prefix: 'Mixed' },
  { value: 'white', prefix: 'White' },
  { value: 'other', prefix: 'Other' },
] as const;

/** The feature keys the Census suggestions fill in (anything else is the officer's own). */
export const CENSUS_KEYS = ['gender', 'age', 'ward', 'ethnicity', 'disability'] as const;

/** A feature as counted in the population, before it is turned into quotas for a panel. */
export type CensusFeature = { key: string; name: string; source: string; counts: PopulationCount[] };

type Row = Record<string, string>;
const cache = new Map<string, Row[]>();
function rows(file: string): Row[] {
  let out = cache.get(file);
  if (!out) {
    out = parse(fs.readFileSync(DEMO + file), { columns: true, skip_empty_lines: true }) as Row[];
    cache.set(file, out);
  }
  return out;
}

/** People of single years `from`…`to` in a mid-year row (column "90" is the file's "90+"). */
function aged(row: Row, from: number, to: number): number {
  let n = 0;
  for (let age = from; age <= to; age++) n += Number(row[age === 90 ? '90+' : String(age)] ?? 0);
  return n;
}

/**
 * The population counts behind the suggested features for a place, or null when Kith holds
 * none for it (the officer then enters values and quotas by hand). Gender, age and ward are
 * residents aged 16 and over in the ONS mid-2024 estimates by 2023 ward; ethnicity and
 * disability are Census 2021 totals for the borough (all usual residents), which do not
 * depend on ward boundaries.
 */
export function censusFeatures(
  placeSlug: string,
  wards: readonly { code: string; slug: string; name: string }[],
  t: Translate,
): CensusFeature[] | null {
  if (!CENSUS_PLACES.has(placeSlug)) return null;
  const P = 'assemblies.setup.census';
  const midYear = rows(MID_YEAR);
  const sexRows = (sex: string) => midYear.filter((r) => r.sex === sex);
  const over16 = (sex: string) => sexRows(sex).reduce((s, r) => s + aged(r, 16, 90), 0);
  const persons = sexRows('Persons');
  const midYearSource = t(`${P}.midYearSource`);

  const features: CensusFeature[] = [
    {
      key: 'gender',
      name: t(`${P}.gender`),
      source: midYearSource,
      counts: [
        { value: 'female', label: t(`${P}.female`), count: over16('Females') },
        { value: 'male', label: t(`${P}.male`), count: over16('Males') },
      ],
    },
    {
      key: 'age',
      name: t(`${P}.age`),
      source: midYearSource,
      counts: AGE_BANDS.map((b) => ({
        value: b.value,
        label: t(`${P}.ages.${b.value}`),
        count: persons.reduce((s, r) => s + aged(r, b.from, b.to), 0),
      })),
    },
  ];
  const byCode = new Map(persons.map((r) => [r.area_code as string, r]));
  const wardCounts = wards
    .filter((w) => byCode.has(w.code))
    .map((w) => ({ value: w.slug, label: w.name, count: aged(byCode.get(w.code) as Row, 16, 90) }));
  if (wardCounts.length)
    features.push({ key: 'ward', name: t(`${P}.ward`), source: midYearSource, counts: wardCounts });

  const ethnic = new Map<string, number>(ETHNIC_GROUPS.map((g) => [g.value, 0]));
  for (const r of rows(ETHNICITY)) {
    const group = ETHNIC_GROUPS.find((g) => (r.ethnic_group ?? '').startsWith(g.prefix));
    if (group) ethnic.set(group.value, (ethnic.get(group.value) ?? 0) + Number(r.value ?? 0));
  }
  features.push({
    key: 'ethnicity',
    name: t(`${P}.ethnicity`),
    source: t(`${P}.ethnicitySource`),
    counts: ETHNIC_GROUPS.map((g) => ({
      value: g.value,
      label: t(`${P}.ethnicGroups.${g.value}`),
      count: ethnic.get(g.value) ?? 0,
    })),
  });

  let disabled = 0;
  let notDisabled = 0;
  for (const r of rows(DISABILITY)) {
    const category = r.disability_category ?? '';
    if (category.startsWith('Disabled')) disabled += Number(r.value ?? 0);
    else if (category.startsWith('Not disabled')) notDisabled += Number(r.value ?? 0);
  }
  features.push({
    key: 'disability',
    name: t(`${P}.disability`),
    source: t(`${P}.disabilitySource`),
    counts: [
      { value: 'disabled', label: t(`${P}.disabled`), count: disabled },
      { value: 'not-disabled', label: t(`${P}.notDisabled`), count: notDisabled },
    ],
  });
  return features;
}

/** The suggested features with quotas for a panel of `panelSize` (null for places without figures). */
export function censusSuggestions(
  placeSlug: string,
  wards: readonly { code: string; slug: string; name: string }[],
  panelSize: number,
  t: Translate,
  tolerance = 1,
): AssemblyFeature[] | null {
  const features = censusFeatures(placeSlug, wards, t);
  if (!features) return null;
  return features.map((f) => ({
    key: f.key,
    name: f.name,
    source: f.source,
    values: suggestQuotas(f.counts, panelSize, tolerance).map((q) => ({
      value: q.value,
      label: q.label,
      share: q.share,
      min: q.min,
      max: q.max,
    })),
  }));
}
