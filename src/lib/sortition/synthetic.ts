/**
 * Seeded synthetic respondent pools for tests and benchmarks. A population has features with
 * Census-like shares; respondents are drawn with a response weight per value (people who are
 * older or more educated answer invitations more often, as real recruitment shows), and quotas
 * are the population shares of the panel size, plus or minus a slack.
 */
import { seededRandom } from '../random/seeded.js';
import type { Feature, Person, SelectionProblem } from './types.js';

export interface SyntheticFeature {
  name: string;
  values: { value: string; share: number; response?: number }[];
}

export interface SyntheticOptions {
  n: number;
  k: number;
  features: SyntheticFeature[];
  seed: number;
  /** How far each quota may stray from the population share of k (default 1). */
  slack?: number;
}

export function syntheticProblem(options: SyntheticOptions): SelectionProblem {
  const random = seededRandom(options.seed);
  const slack = options.slack ?? 1;
  const people: Person[] = [];
  while (people.length < options.n) {
    // Draw a member of the population, then keep them with a chance set by their response weights.
    const values = options.features.map((feature) => pick(feature, random));
    const response = options.features.reduce(
      (product, feature, f) => product * (feature.values.find((v) => v.value === values[f])?.response ?? 1),
      1,
    );
    if (random() * maxResponse(options.features) < response) {
      people.push({ id: `p${people.length + 1}`, values });
    }
  }
  const features: Feature[] = options.features.map((feature) => ({
    name: feature.name,
    values: feature.values.map(({ value, share }) => {
      const target = Math.round(share * options.k);
      return { value, min: Math.max(0, target - slack), max: Math.min(options.k, target + slack) };
    }),
  }));
  return { features, people, k: options.k };
}

function pick(feature: SyntheticFeature, random: () => number): string {
  const total = feature.values.reduce((sum, v) => sum + v.share, 0);
  let r = random() * total;
  for (const v of feature.values) {
    r -= v.share;
    if (r < 0) return v.value;
  }
  return feature.values.at(-1)?.value ?? '';
}

function maxResponse(features: SyntheticFeature[]): number {
  return features.reduce((product, f) => product * Math.max(...f.values.map((v) => v.response ?? 1)), 1);
}

/** Six features with shares like a Census for an English borough; responses as real recruitment. */
export const CENSUS_LIKE: SyntheticFeature[] = [
  {
    name: 'gender',
    values: [
      { value: 'Female', share: 0.51 },
      { value: 'Male', share: 0.49 },
    ],
  },
  {
    name: 'age',
    values: [
      { value: '16-29', share: 0.22, response: 1 },
      { value: '30-44', share: 0.26, response: 1.5 },
      { value: '45-59', share: 0.24, response: 2 },
      { value: '60-74', share: 0.18, response: 3 },
      { value: '75+', share: 0.1, response: 2.5 },
    ],
  },
  {
    name: 'ward',
    values: [
      { value: 'Altrincham', share: 0.18 },
      { value: 'Bucklow-St Martins', share: 0.15 },
      { value: 'Clifford', share: 0.16 },
      { value: 'Longford', share: 0.17 },
      { value: 'Sale Moor', share: 0.16 },
      { value: 'Stretford', share: 0.18 },
    ],
  },
  {
    name: 'ethnicity',
    values: [
      { value: 'White', share: 0.8, response: 3 },
      { value: 'Asian', share: 0.1, response: 1 },
      { value: 'Black', share: 0.05, response: 1 },
      { value: 'Mixed or other', share: 0.05, response: 1.2 },
    ],
  },
  {
    name: 'education',
    values: [
      { value: 'Level 1 or none', share: 0.3, response: 1 },
      { value: 'Level 2 or 3', share: 0.35, response: 1.6 },
      { value: 'Level 4 and above', share: 0.35, response: 3 },
    ],
  },
  {
    name: 'attitude',
    values: [
      { value: 'Not concerned', share: 0.3 },
      { value: 'Fairly concerned', share: 0.4 },
      { value: 'Very concerned', share: 0.3 },
    ],
  },
];

/** The same population with no response bias: every group answers as often as any other. */
export const CENSUS_UNBIASED: SyntheticFeature[] = CENSUS_LIKE.map((feature) => ({
  name: feature.name,
  values: feature.values.map(({ value, share }) => ({ value, share })),
}));
