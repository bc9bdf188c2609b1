/** What neighbours ask for and offer (labels: mutualAid.categories.<code>). */
export const AID_CATEGORIES = [
  'shopping',
  'prescriptions',
  'lifts',
  'befriending-calls',
  'odd-jobs',
  'dog-walking',
  'forms',
  'language-help',
  'gardening',
  'tech-help',
  'other',
] as const;

export type AidCategory = (typeof AID_CATEGORIES)[number];
