import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { type Activity, assessCheck } from './assess.js';
import { atLeast, CHECK_LEVELS, type CheckLevel } from './levels.js';
import { FREQUENCIES, HELPS, REASONS, type ReasonCode, RULESET, SETTINGS, TASKS } from './ruleset.js';

type Scenario = {
  name: string;
  activity: Partial<Activity> & Pick<Activity, 'tasks'>;
  groupPolicy?: CheckLevel;
  level: CheckLevel;
  legal?: CheckLevel;
  reasons: ReasonCode[];
  certainty?: 'certain' | 'check-eligibility-tool';
};

const group = (a: Partial<Activity> & Pick<Activity, 'tasks'>): Activity => ({
  setting: 'group',
  helps: 'adults',
  frequency: 'weekly-or-more',
  supervised: false,
  ...a,
});

// Expected answers written from SPEC §3.2, SVGA 2006 Sch 4 (as amended by PoFA 2012) and the
// DBS leaflets, not from the code: each line says what the law gives and why.
const SCENARIOS: Scenario[] = [
  // Neighbours and friends: never regulated activity, whatever they do.
  {
    name: 'a neighbour does another neighbour’s shopping every week',
    activity: { setting: 'neighbours', tasks: ['shopping'] },
    level: 'none',
    reasons: ['neighbourly-help'],
  },
  {
    name: 'a neighbour helps an older neighbour wash and dress',
    activity: { setting: 'neighbours', tasks: ['personal-care'] },
    level: 'none',
    reasons: ['neighbourly-help'],
  },
  {
    name: 'a friend drives a neighbour to hospital appointments',
    activity: { setting: 'neighbours', tasks: ['conveying-for-care'], frequency: 'once' },
    level: 'none',
    reasons: ['neighbourly-help'],
  },
  {
    name: 'a neighbour babysits overnight',
    activity: {
      setting: 'neighbours',
      helps: 'children',
      tasks: ['supervising-children'],
      frequency: 'overnight',
    },
    level: 'none',
    reasons: ['neighbourly-help'],
  },
  {
    name: 'neighbours: a “group policy” does not apply, there is no group',
    activity: { setting: 'neighbours', tasks: ['dog-walking'] },
    groupPolicy: 'enhanced',
    level: 'none',
    reasons: ['neighbourly-help'],
  },
  // Organised help with adults: everyday tasks are not regulated activity.
  {
    name: 'a group’s volunteers walk dogs for people',
    activity: { tasks: ['dog-walking'] },
    level: 'none',
    reasons: ['not-regulated-activity', 'basic-at-most'],
  },
  {
    name: 'a group’s befriending phone calls with older people',
    activity: { tasks: ['befriending'] },
    level: 'none',
    reasons: ['not-regulated-activity', 'basic-at-most'],
  },
  {
    name: 'a group’s gardening and odd jobs for residents',
    activity: { helps: 'general-public', tasks: ['gardening', 'odd-jobs'], frequency: 'occasional' },
    level: 'none',
    reasons: ['not-regulated-activity', 'basic-at-most'],
  },
  {
    name: 'a group picks up shopping for people (not managing their money because of need)',
    activity: { tasks: ['shopping'] },
    level: 'none',
    reasons: ['adults-not-because-of-need', 'not-regulated-activity', 'basic-at-most'],
  },
  {
    name: 'a group gives lifts to the community centre',
    activity: { tasks: ['lifts'], frequency: 'occasional' },
    level: 'none',
    reasons: ['adults-not-because-of-need', 'not-regulated-activity', 'basic-at-most'],
  },
  {
    name: 'a group helps people fill in forms',
    activity: { helps: 'general-public', tasks: ['form-filling'] },
    level: 'none',
    reasons: ['adults-not-because-of-need', 'not-regulated-activity', 'basic-at-most'],
  },
  // Organised help with adults: the regulated activities, with no frequency test.
  {
    name: 'a charity’s volunteers help people wash and dress, weekly',
    activity: { setting: 'organisation', tasks: ['personal-care'] },
    level: 'enhanced-adults-barred',
    reasons: ['adults-personal-care', 'enhanced-needs-eligibility'],
  },
  {
    name: 'personal care for an adult just once is still regulated activity',
    activity: { tasks: ['personal-care'], frequency: 'once' },
    level: 'enhanced-adults-barred',
    reasons: ['adults-personal-care', 'adults-once-is-enough', 'enhanced-needs-eligibility'],
  },
  {
    name: 'health care under a nurse’s direction, occasionally',
    activity: { setting: 'organisation', tasks: ['health-care'], frequency: 'occasional' },
    level: 'enhanced-adults-barred',
    reasons: ['adults-health-care', 'adults-once-is-enough', 'enhanced-needs-eligibility'],
  },
  {
    name: 'a group shops and pays bills for people who need it because of illness',
    activity: { tasks: ['cash-bills-shopping-because-of-need'] },
    level: 'enhanced-adults-barred',
    reasons: ['adults-cash-bills-shopping', 'enhanced-needs-eligibility'],
  },
  {
    name: 'a volunteer acting under a power of attorney (personal affairs)',
    activity: { setting: 'organisation', tasks: ['personal-affairs'], frequency: 'occasional' },
    level: 'enhanced-adults-barred',
    reasons: ['adults-personal-affairs', 'adults-once-is-enough', 'enhanced-needs-eligibility'],
  },
  {
    name: 'a volunteer driver scheme taking people to hospital because of illness, once',
    activity: { tasks: ['conveying-for-care'], frequency: 'once' },
    level: 'enhanced-adults-barred',
    reasons: ['adults-conveying', 'adults-once-is-enough', 'enhanced-needs-eligibility'],
  },
  {
    name: 'supervision does not take adult regulated activity out of scope',
    activity: { tasks: ['personal-care', 'shopping'], supervised: true },
    level: 'enhanced-adults-barred',
    reasons: ['adults-personal-care', 'enhanced-needs-eligibility'],
  },
  {
    name: 'personal care for the general public (adults) is regulated',
    activity: { helps: 'general-public', tasks: ['personal-care'] },
    level: 'enhanced-adults-barred',
    reasons: ['adults-personal-care', 'enhanced-needs-eligibility'],
  },
  // Organised help with children.
  {
    name: 'an unsupervised weekly homework club tutor',
    activity: { helps: 'children', tasks: ['teaching-training-instructing'] },
    level: 'enhanced-children-barred',
    reasons: ['children-unsupervised-frequent', 'enhanced-needs-eligibility'],
  },
  {
    name: 'coaching children on 4 days in a month, unsupervised',
    activity: {
      helps: 'children',
      tasks: ['teaching-training-instructing'],
      frequency: 'four-days-in-thirty',
    },
    level: 'enhanced-children-barred',
    reasons: ['children-unsupervised-frequent', 'enhanced-needs-eligibility'],
  },
  {
    name: 'supervising children overnight on a camp, once',
    activity: { helps: 'children', tasks: ['supervising-children'], frequency: 'overnight' },
    level: 'enhanced-children-barred',
    reasons: ['children-unsupervised-frequent', 'enhanced-needs-eligibility'],
  },
  {
    name: 'weekly one-to-one mentoring of a young person, unsupervised',
    activity: { helps: 'children', tasks: ['befriending'] },
    level: 'enhanced-children-barred',
    reasons: ['children-unsupervised-frequent', 'enhanced-needs-eligibility'],
  },
  {
    name: 'driving the children’s minibus every week',
    activity: { helps: 'children', tasks: ['driving-children'] },
    level: 'enhanced-children-barred',
    reasons: ['children-unsupervised-frequent', 'enhanced-needs-eligibility'],
  },
  {
    name: 'a one-off session teaching children: not frequent, so not regulated',
    activity: { helps: 'children', tasks: ['teaching-training-instructing'], frequency: 'once' },
    level: 'none',
    reasons: ['children-not-frequent', 'not-regulated-activity', 'basic-at-most'],
  },
  {
    name: 'occasional advice sessions for young people',
    activity: { helps: 'children', tasks: ['advice-guidance-children'], frequency: 'occasional' },
    level: 'none',
    reasons: ['children-not-frequent', 'not-regulated-activity', 'basic-at-most'],
  },
  {
    name: 'a weekly youth club helper supervised day to day by a checked leader',
    activity: { helps: 'children', tasks: ['supervising-children'], supervised: true },
    level: 'none',
    reasons: [
      'children-supervised',
      'supervision-must-be-reasonable',
      'not-regulated-activity',
      'basic-at-most',
      'check-with-eligibility-tool',
    ],
    certainty: 'check-eligibility-tool',
  },
  {
    name: 'helping a child to use the toilet, once, even supervised',
    activity: { helps: 'children', tasks: ['personal-care'], frequency: 'once', supervised: true },
    level: 'enhanced-children-barred',
    reasons: ['children-personal-care', 'enhanced-needs-eligibility'],
  },
  {
    name: 'health care for children under a professional’s direction, occasionally',
    activity: { helps: 'children', tasks: ['health-care'], frequency: 'occasional' },
    level: 'enhanced-children-barred',
    reasons: ['children-health-care', 'enhanced-needs-eligibility'],
  },
  {
    name: 'weekly unsupervised volunteering in a school (gardening)',
    activity: { helps: 'children', tasks: ['gardening'], inSpecifiedEstablishment: true },
    level: 'enhanced-children-barred',
    reasons: ['children-specified-establishment', 'enhanced-needs-eligibility'],
  },
  {
    name: 'weekly supervised volunteering in a nursery (odd jobs)',
    activity: { helps: 'children', tasks: ['odd-jobs'], supervised: true, inSpecifiedEstablishment: true },
    level: 'none',
    reasons: [
      'children-specified-establishment-supervised',
      'supervision-must-be-reasonable',
      'not-regulated-activity',
      'basic-at-most',
      'check-with-eligibility-tool',
    ],
    certainty: 'check-eligibility-tool',
  },
  {
    name: 'a one-off day in a school is not frequent enough',
    activity: { helps: 'children', tasks: ['odd-jobs'], frequency: 'once', inSpecifiedEstablishment: true },
    level: 'none',
    reasons: ['not-regulated-activity', 'basic-at-most'],
  },
  {
    name: 'a family group with children and adults: personal care for both',
    activity: { helps: 'both', tasks: ['personal-care'] },
    level: 'enhanced-both-barred',
    reasons: ['children-personal-care', 'adults-personal-care', 'enhanced-needs-eligibility'],
  },
  {
    name: 'both: weekly unsupervised tutoring of children and shopping for adults because of need',
    activity: {
      helps: 'both',
      tasks: ['teaching-training-instructing', 'cash-bills-shopping-because-of-need'],
    },
    level: 'enhanced-both-barred',
    reasons: ['children-unsupervised-frequent', 'adults-cash-bills-shopping', 'enhanced-needs-eligibility'],
  },
  {
    name: 'a class for the general public that children sometimes join',
    activity: { helps: 'general-public', tasks: ['teaching-training-instructing'] },
    level: 'none',
    reasons: ['general-public-children-incidental', 'not-regulated-activity', 'basic-at-most'],
  },
  {
    name: 'children only: adult-only tasks (personal affairs) are not regulated with children',
    activity: { helps: 'children', tasks: ['personal-affairs', 'dog-walking'] },
    level: 'none',
    reasons: ['not-regulated-activity', 'basic-at-most'],
  },
  // The group's own policy: shown as its choice, never lowering the law, never beyond eligibility.
  {
    name: 'a group asks for a basic check for dog walkers: its choice',
    activity: { tasks: ['dog-walking'] },
    groupPolicy: 'basic',
    level: 'basic',
    legal: 'none',
    reasons: ['not-regulated-activity', 'basic-at-most', 'group-policy-stricter'],
  },
  {
    name: 'a group asks for an enhanced check for befriending adults: not eligible, capped at basic',
    activity: { tasks: ['befriending'] },
    groupPolicy: 'enhanced-adults-barred',
    level: 'basic',
    legal: 'none',
    reasons: [
      'not-regulated-activity',
      'basic-at-most',
      'group-policy-beyond-eligibility',
      'group-policy-stricter',
    ],
  },
  {
    name: 'a group asks for enhanced checks for supervised youth club helpers: eligible, its choice',
    activity: { helps: 'children', tasks: ['supervising-children'], supervised: true },
    groupPolicy: 'enhanced',
    level: 'enhanced',
    legal: 'none',
    reasons: [
      'children-supervised',
      'supervision-must-be-reasonable',
      'not-regulated-activity',
      'basic-at-most',
      'group-policy-stricter',
      'check-with-eligibility-tool',
    ],
    certainty: 'check-eligibility-tool',
  },
  {
    name: 'a group asks for the children’s barred list for occasional tutors: capped at enhanced',
    activity: { helps: 'children', tasks: ['teaching-training-instructing'], frequency: 'occasional' },
    groupPolicy: 'enhanced-children-barred',
    level: 'enhanced',
    legal: 'none',
    reasons: [
      'children-not-frequent',
      'not-regulated-activity',
      'basic-at-most',
      'group-policy-beyond-eligibility',
      'group-policy-stricter',
    ],
  },
  {
    name: 'a group policy of “no checks” does not lower the law for personal care',
    activity: { tasks: ['personal-care'] },
    groupPolicy: 'none',
    level: 'enhanced-adults-barred',
    legal: 'enhanced-adults-barred',
    reasons: ['adults-personal-care', 'enhanced-needs-eligibility', 'group-policy-no-stricter'],
  },
  {
    name: 'a group asks for a standard check where the law wants enhanced with adults’ list',
    activity: { tasks: ['conveying-for-care'] },
    groupPolicy: 'standard',
    level: 'enhanced-adults-barred',
    legal: 'enhanced-adults-barred',
    reasons: ['adults-conveying', 'enhanced-needs-eligibility', 'group-policy-no-stricter'],
  },
];

test(`the ruleset has a version, a date and a source for every reason (${SCENARIOS.length} scenarios)`, () => {
  assert.match(RULESET.version, /^\d{4}\.\d+$/);
  assert.match(RULESET.date, /^\d{4}-\d{2}-\d{2}$/);
  const ids = new Set(RULESET.sources.map((s) => s.id));
  for (const [code, sourceId] of Object.entries(REASONS)) assert.ok(ids.has(sourceId), code);
  for (const s of RULESET.sources)
    if (s.kind !== 'group') assert.match(s.url ?? '', /^https:\/\/www\.(legislation\.)?gov\.uk\//);
  assert.ok(SCENARIOS.length >= 30);
});

for (const s of SCENARIOS) {
  test(`scenario: ${s.name}`, () => {
    const result = assessCheck(
      group(s.activity),
      s.groupPolicy === undefined ? {} : { groupPolicy: s.groupPolicy },
    );
    assert.equal(result.level, s.level, 'level');
    assert.equal(result.legalLevel, s.legal ?? s.level, 'legal level');
    assert.deepEqual(
      result.reasons.map((r) => r.code),
      s.reasons,
      'reasons',
    );
    assert.equal(result.certainty, s.certainty ?? 'certain', 'certainty');
    assert.equal(result.rulesetVersion, RULESET.version);
    for (const r of result.reasons) assert.equal(r.key, `mutualAid.dbs.reasons.${r.code}`);
  });
}

test('every reason the rules can give is met by at least one scenario', () => {
  const seen = new Set<string>();
  for (const s of SCENARIOS) {
    const result = assessCheck(group(s.activity), s.groupPolicy ? { groupPolicy: s.groupPolicy } : {});
    for (const r of result.reasons) seen.add(r.code);
  }
  assert.deepEqual(
    Object.keys(REASONS).filter((c) => !seen.has(c)),
    [],
  );
});

test('the group policy is reported as the group’s own, with the group as its source', () => {
  const result = assessCheck(group({ tasks: ['dog-walking'] }), { groupPolicy: 'basic' });
  assert.equal(result.groupPolicyLevel, 'basic');
  const note = result.reasons.find((r) => r.code === 'group-policy-stricter');
  assert.equal(note?.source.kind, 'group');
  assert.equal(assessCheck(group({ tasks: ['dog-walking'] })).groupPolicyLevel, undefined);
});

const activity = fc.record({
  setting: fc.constantFrom(...SETTINGS),
  helps: fc.constantFrom(...HELPS),
  tasks: fc.uniqueArray(fc.constantFrom(...TASKS)),
  frequency: fc.constantFrom(...FREQUENCIES),
  supervised: fc.boolean(),
  inSpecifiedEstablishment: fc.boolean(),
});
const level = fc.constantFrom(...CHECK_LEVELS);

test('property: help between neighbours never needs a check, whatever the tasks', () => {
  fc.assert(
    fc.property(activity, fc.option(level, { nil: undefined }), (a, policy) => {
      const r = assessCheck({ ...a, setting: 'neighbours' }, policy ? { groupPolicy: policy } : {});
      return r.level === 'none' && r.legalLevel === 'none' && r.certainty === 'certain';
    }),
  );
});

test('property: a group policy never lowers the legal level, and never goes beyond eligibility', () => {
  fc.assert(
    fc.property(activity, level, (a, policy) => {
      const r = assessCheck(a, { groupPolicy: policy });
      const plain = assessCheck(a);
      return (
        atLeast(r.level, r.legalLevel) &&
        r.legalLevel === plain.legalLevel &&
        atLeast(r.eligibleLevel, r.level) &&
        (r.groupPolicyLevel === undefined || atLeast(policy, r.groupPolicyLevel))
      );
    }),
  );
});

test('property: adding a task never lowers the level', () => {
  fc.assert(
    fc.property(
      activity,
      fc.constantFrom(...TASKS),
      fc.option(level, { nil: undefined }),
      (a, extra, policy) => {
        const options = policy ? { groupPolicy: policy } : {};
        const before = assessCheck(a, options);
        const after = assessCheck({ ...a, tasks: [...new Set([...a.tasks, extra])] }, options);
        return atLeast(after.level, before.level) && atLeast(after.legalLevel, before.legalLevel);
      },
    ),
  );
});

test('property: the answer is deterministic and does not depend on the order of tasks', () => {
  fc.assert(
    fc.property(activity, (a) => {
      const r1 = assessCheck(a);
      const r2 = assessCheck({ ...a, tasks: [...a.tasks].reverse() });
      return JSON.stringify(r1) === JSON.stringify(r2);
    }),
  );
});

test('property: the legal level is always one the role is eligible for', () => {
  fc.assert(fc.property(activity, (a) => atLeast(assessCheck(a).eligibleLevel, assessCheck(a).legalLevel)));
});
