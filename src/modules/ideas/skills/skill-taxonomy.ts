/**
 * The fixed lists a skills offer is made from: skills in groups, community languages, time
 * bands and ways of helping. Each code has a label in the catalogue under `ideas.skills.*`.
 * Codes are stored, so never rename one; add new ones at the end of their group.
 */
export const SKILL_GROUPS = [
  {
    group: 'practical',
    skills: ['gardening', 'diy-repairs', 'cooking', 'driving', 'sewing', 'bike-repair', 'litter-picking'],
  },
  {
    group: 'people',
    skills: [
      'befriending',
      'mentoring',
      'childcare-play',
      'first-aid',
      'interpreting',
      'teaching',
      'youth-work',
    ],
  },
  {
    group: 'organising',
    skills: ['event-planning', 'fundraising', 'bid-writing', 'bookkeeping', 'chairing', 'volunteers'],
  },
  {
    group: 'digital-creative',
    skills: ['social-media', 'websites', 'design', 'photography', 'video', 'writing', 'music', 'arts-crafts'],
  },
  {
    group: 'professional',
    skills: ['legal', 'accounting', 'planning-building', 'health-care', 'marketing'],
  },
] as const;

export type SkillGroup = (typeof SKILL_GROUPS)[number]['group'];
export type SkillCode = (typeof SKILL_GROUPS)[number]['skills'][number];
export const SKILLS: readonly SkillCode[] = SKILL_GROUPS.flatMap((g) => [...g.skills]);

/** Languages spoken in Trafford's communities (ISO 639 codes; BSL is `bfi`). */
export const LANGUAGES = [
  'en',
  'cy',
  'ur',
  'pa',
  'pl',
  'ar',
  'bn',
  'so',
  'ro',
  'pt',
  'es',
  'fr',
  'gu',
  'hi',
  'cmn',
  'yue',
  'fa',
  'ku',
  'ti',
  'uk',
  'it',
  'bfi',
] as const;
export type LanguageCode = (typeof LANGUAGES)[number];

/** Hours a month someone can give. */
export const TIME_BANDS = ['up-to-2', '2-to-5', '5-to-10', 'over-10'] as const;
export type TimeBand = (typeof TIME_BANDS)[number];

/** How they can help; an offer that is `both` is found by a search for either. */
export const HOW = ['online', 'in-person', 'both'] as const;
export type How = (typeof HOW)[number];

/** Who sees who made the offer (see docs/ideas-skills.md). */
export const VISIBILITY = ['private', 'public'] as const;
export type Visibility = (typeof VISIBILITY)[number];

export const skillLabelKey = (code: string) => `ideas.skills.taxonomy.${code}`;
export const skillGroupKey = (group: string) => `ideas.skills.groups.${group}`;
export const languageLabelKey = (code: string) => `ideas.skills.languages.${code}`;

export const isSkill = (v: unknown): v is SkillCode =>
  typeof v === 'string' && SKILLS.includes(v as SkillCode);
export const isLanguage = (v: unknown): v is LanguageCode =>
  typeof v === 'string' && (LANGUAGES as readonly string[]).includes(v);
