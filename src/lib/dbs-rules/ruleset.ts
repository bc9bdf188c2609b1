/**
 * The rules, as data: which tasks can be regulated activity with children or with adults,
 * which frequencies meet the "frequently or period" condition, and for every reason the
 * engine can give, where it comes from. Law for England and Wales as amended to the
 * ruleset's date; change the data (and its version) when the law or guidance changes,
 * and the table test will show every answer that moved.
 */

export const TASKS = [
  // Regulated activity with adults (SVGA 2006 Sch 4 para 7) and, for the first two, with children.
  'personal-care',
  'health-care',
  'cash-bills-shopping-because-of-need',
  'personal-affairs',
  'conveying-for-care',
  // Regulated activity with children when unsupervised and frequent (Sch 4 para 1).
  'teaching-training-instructing',
  'supervising-children',
  'advice-guidance-children',
  'driving-children',
  // Everyday neighbourly help: not regulated activity in itself.
  'befriending',
  'lifts',
  'shopping',
  'odd-jobs',
  'dog-walking',
  'form-filling',
  'gardening',
] as const;
export type Task = (typeof TASKS)[number];

export const SETTINGS = ['neighbours', 'group', 'organisation'] as const;
export type Setting = (typeof SETTINGS)[number];

export const HELPS = ['children', 'adults', 'both', 'general-public'] as const;
export type Helps = (typeof HELPS)[number];

export const FREQUENCIES = [
  'once',
  'occasional',
  'weekly-or-more',
  'four-days-in-thirty',
  'overnight',
] as const;
export type Frequency = (typeof FREQUENCIES)[number];

/** Where a rule comes from: an Act (with the part that matters) or a piece of official guidance. */
export type RuleSource = {
  id: SourceId;
  kind: 'legislation' | 'guidance' | 'group';
  title: string;
  /** The section, schedule or paragraph, where one applies. */
  reference?: string;
  url?: string;
};

const SOURCES = {
  'svga-sch4-children': {
    kind: 'legislation',
    title: 'Safeguarding Vulnerable Groups Act 2006, as amended by the Protection of Freedoms Act 2012',
    reference: 'Schedule 4, Part 1 (regulated activity relating to children)',
    url: 'https://www.legislation.gov.uk/ukpga/2006/47/schedule/4',
  },
  'svga-sch4-period': {
    kind: 'legislation',
    title: 'Safeguarding Vulnerable Groups Act 2006, as amended by the Protection of Freedoms Act 2012',
    reference:
      'Schedule 4, Parts 1 and 3 (frequently, or the period condition: more than 3 days in 30, or overnight 2am to 6am)',
    url: 'https://www.legislation.gov.uk/ukpga/2006/47/schedule/4',
  },
  'svga-sch4-adults': {
    kind: 'legislation',
    title: 'Safeguarding Vulnerable Groups Act 2006, as amended by the Protection of Freedoms Act 2012',
    reference: 'Schedule 4, Part 2, paragraph 7 (regulated activity relating to vulnerable adults)',
    url: 'https://www.legislation.gov.uk/ukpga/2006/47/schedule/4',
  },
  'svga-s58-relationships': {
    kind: 'legislation',
    title: 'Safeguarding Vulnerable Groups Act 2006',
    reference: 'Section 58 (family and personal relationships) and Schedule 4',
    url: 'https://www.legislation.gov.uk/ukpga/2006/47/section/58',
  },
  'pofa-2012': {
    kind: 'legislation',
    title: 'Protection of Freedoms Act 2012',
    reference: 'Part 5, Chapter 1 (safeguarding of vulnerable groups)',
    url: 'https://www.legislation.gov.uk/ukpga/2012/9/part/5/chapter/1',
  },
  'police-act-1997': {
    kind: 'legislation',
    title: 'Police Act 1997',
    reference: 'Part 5, sections 113A and 113B (standard and enhanced certificates)',
    url: 'https://www.legislation.gov.uk/ukpga/1997/50/part/V',
  },
  'roa-exceptions-1975': {
    kind: 'legislation',
    title: 'Rehabilitation of Offenders Act 1974 (Exceptions) Order 1975',
    reference: 'Schedule 1 (roles that may ask about spent convictions)',
    url: 'https://www.legislation.gov.uk/uksi/1975/1023',
  },
  'dbs-children': {
    kind: 'guidance',
    title: 'DBS: Regulated activity with children in England and Wales',
    url: 'https://www.gov.uk/government/publications/dbs-guidance-leaflets/regulated-activity-with-children',
  },
  'dbs-adults': {
    kind: 'guidance',
    title: 'DBS: Regulated activity with adults in England and Wales',
    url: 'https://www.gov.uk/government/publications/dbs-guidance-leaflets',
  },
  'dbs-charity-children': {
    kind: 'guidance',
    title: 'DBS: Working with children in the charity sector and overseas aid organisations',
    url: 'https://www.gov.uk/government/publications/dbs-guidance-leaflets/working-with-children-in-the-charity-sector-and-overseas-aid-organisations',
  },
  'dbs-eligibility': {
    kind: 'guidance',
    title: 'DBS eligibility guidance',
    url: 'https://www.gov.uk/government/collections/dbs-eligibility-guidance',
  },
  'dbs-eligibility-tool': {
    kind: 'guidance',
    title: 'Find out which DBS check is right for your employee or volunteer',
    url: 'https://www.gov.uk/find-out-dbs-check',
  },
  'dbs-basic': {
    kind: 'guidance',
    title: 'Basic DBS check',
    url: 'https://www.gov.uk/request-copy-criminal-record',
  },
  'group-policy': {
    kind: 'group',
    title: 'The group’s own policy (its choice, not the law)',
  },
} as const satisfies Record<string, Omit<RuleSource, 'id'>>;

export type SourceId = keyof typeof SOURCES;

export function source(id: SourceId): RuleSource {
  return { id, ...SOURCES[id] };
}

/**
 * Every reason the engine can give and its source. The plain-English text of each is the
 * message `mutualAid.dbs.reasons.<code>` (the module's messages file), so it can be translated.
 */
export const REASONS = {
  // Neighbours and friends
  'neighbourly-help': 'svga-s58-relationships',
  // Children
  'children-personal-care': 'svga-sch4-children',
  'children-health-care': 'svga-sch4-children',
  'children-unsupervised-frequent': 'svga-sch4-period',
  'children-supervised': 'dbs-charity-children',
  'children-not-frequent': 'svga-sch4-period',
  'children-specified-establishment': 'svga-sch4-children',
  'children-specified-establishment-supervised': 'dbs-children',
  'general-public-children-incidental': 'svga-sch4-children',
  // Adults
  'adults-personal-care': 'svga-sch4-adults',
  'adults-health-care': 'svga-sch4-adults',
  'adults-cash-bills-shopping': 'svga-sch4-adults',
  'adults-personal-affairs': 'svga-sch4-adults',
  'adults-conveying': 'svga-sch4-adults',
  'adults-once-is-enough': 'pofa-2012',
  'adults-not-because-of-need': 'dbs-adults',
  // Nothing regulated
  'not-regulated-activity': 'dbs-eligibility',
  'basic-at-most': 'dbs-basic',
  // Eligibility and certainty
  'enhanced-needs-eligibility': 'police-act-1997',
  'supervision-must-be-reasonable': 'dbs-children',
  'check-with-eligibility-tool': 'dbs-eligibility-tool',
  // The group's own policy
  'group-policy-stricter': 'group-policy',
  'group-policy-no-stricter': 'group-policy',
  'group-policy-beyond-eligibility': 'roa-exceptions-1975',
} as const satisfies Record<string, SourceId>;

export type ReasonCode = keyof typeof REASONS;

/** Adult tasks that are regulated activity whoever organises them (once is enough), by reason. */
export const ADULT_REGULATED: Partial<Record<Task, ReasonCode>> = {
  'personal-care': 'adults-personal-care',
  'health-care': 'adults-health-care',
  'cash-bills-shopping-because-of-need': 'adults-cash-bills-shopping',
  'personal-affairs': 'adults-personal-affairs',
  'conveying-for-care': 'adults-conveying',
};

/** Tasks with children that are regulated activity however often and however supervised. */
export const CHILD_ALWAYS_REGULATED: Partial<Record<Task, ReasonCode>> = {
  'personal-care': 'children-personal-care',
  'health-care': 'children-health-care',
};

/**
 * Tasks with children that are regulated activity only when done unsupervised and frequently.
 * Befriending a child one to one is caring for or supervising them; giving children lifts
 * is driving a vehicle only for children.
 */
export const CHILD_REGULATED_IF_FREQUENT_UNSUPERVISED: readonly Task[] = [
  'teaching-training-instructing',
  'supervising-children',
  'advice-guidance-children',
  'driving-children',
  'befriending',
  'lifts',
];

/** Everyday tasks that, done for adults, look like the regulated ones but are not. */
export const ADULT_LOOKALIKES: readonly Task[] = ['shopping', 'lifts', 'form-filling'];

/** "Frequently" (once a week or more), more than 3 days in 30, or overnight (2am to 6am). */
export const FREQUENT: readonly Frequency[] = ['weekly-or-more', 'four-days-in-thirty', 'overnight'];

export const RULESET = {
  version: '2026.1',
  /** The date the rules were last checked against the legislation and DBS guidance. */
  date: '2026-11-23',
  jurisdiction: 'England and Wales',
  sources: Object.keys(SOURCES).map((id) => source(id as SourceId)),
} as const;
