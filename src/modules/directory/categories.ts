/**
 * The directory's categories: one list for groups, services and hubs, so a search filter
 * means the same everywhere. Published as the place's own ORUK taxonomy ("kith-categories").
 * Labels are in messages (directory.categories.<code>).
 */
export const CATEGORIES = [
  'arts-culture',
  'sport-fitness',
  'health-wellbeing',
  'mental-health',
  'food',
  'money-debt',
  'housing',
  'employment-skills',
  'children-families',
  'young-people',
  'older-people',
  'disability',
  'carers',
  'faith',
  'environment',
  'mutual-aid',
  'tenants-residents',
  'learning-language',
  'social-befriending',
  'migrants-refugees',
  'volunteering',
  'community-centre',
] as const;

export type Category = (typeof CATEGORIES)[number];

export function isCategory(value: unknown): value is Category {
  return typeof value === 'string' && (CATEGORIES as readonly string[]).includes(value);
}
