import { type CheckLevel, joinLevels, meetLevels } from './levels.js';
import {
  ADULT_LOOKALIKES,
  ADULT_REGULATED,
  CHILD_ALWAYS_REGULATED,
  CHILD_REGULATED_IF_FREQUENT_UNSUPERVISED,
  FREQUENT,
  type Frequency,
  type Helps,
  REASONS,
  type ReasonCode,
  RULESET,
  type RuleSource,
  type Setting,
  source,
  type Task,
} from './ruleset.js';

/** Who helps whom, doing what, how often, and how. */
export type Activity = {
  setting: Setting;
  helps: Helps;
  tasks: readonly Task[];
  frequency: Frequency;
  supervised: boolean;
  /** A school, nursery, children's home or other "specified establishment" for children. */
  inSpecifiedEstablishment?: boolean;
};

export type Reason = { code: ReasonCode; key: string; source: RuleSource };

export type Assessment = {
  /** The level to show: the law's, raised by the group's own policy where it asks for more. */
  level: CheckLevel;
  /** What the law and the DBS guidance expect for this activity. */
  legalLevel: CheckLevel;
  /** The most that may lawfully be asked for this activity (a check beyond it cannot be got). */
  eligibleLevel: CheckLevel;
  /** What the group's policy adds, as the group's choice, capped at what may lawfully be asked. */
  groupPolicyLevel?: CheckLevel;
  reasons: Reason[];
  certainty: 'certain' | 'check-eligibility-tool';
  rulesetVersion: string;
};

export const REASON_KEY_PREFIX = 'mutualAid.dbs.reasons.';

function reason(code: ReasonCode): Reason {
  return { code, key: REASON_KEY_PREFIX + code, source: source(REASONS[code]) };
}

/**
 * What DBS check, if any, an activity needs, and why. Pure and deterministic: the same
 * activity always gets the same answer, with every reason in a fixed order.
 */
export function assessCheck(activity: Activity, options: { groupPolicy?: CheckLevel } = {}): Assessment {
  const codes: ReasonCode[] = [];
  let legal: CheckLevel = 'none';
  // Anyone may ask for a basic check on themselves; more needs an eligible role.
  let eligible: CheckLevel = 'basic';
  let uncertain = false;

  if (activity.setting === 'neighbours') {
    // Private arrangements between neighbours and friends are never regulated activity,
    // and there is no organisation that could ask for a check.
    return {
      level: 'none',
      legalLevel: 'none',
      eligibleLevel: 'basic',
      reasons: [reason('neighbourly-help')],
      certainty: 'certain',
      rulesetVersion: RULESET.version,
    };
  }

  const tasks = new Set(activity.tasks);
  const withChildren = activity.helps === 'children' || activity.helps === 'both';
  const withAdults = activity.helps !== 'children';
  const frequent = FREQUENT.includes(activity.frequency);
  const require = (level: CheckLevel) => {
    legal = joinLevels(legal, level);
    eligible = joinLevels(eligible, level);
  };
  const allow = (level: CheckLevel) => {
    eligible = joinLevels(eligible, level);
  };

  if (withChildren) {
    for (const [task, code] of Object.entries(CHILD_ALWAYS_REGULATED)) {
      if (tasks.has(task as Task)) {
        codes.push(code);
        require('enhanced-children-barred');
      }
    }
    const frequencyTasks = CHILD_REGULATED_IF_FREQUENT_UNSUPERVISED.filter((t) => tasks.has(t));
    if (frequencyTasks.length) {
      if (!frequent) {
        // Not regulated activity; such work is still "work with children" and eligible for
        // an enhanced check without the barred list, if the group decides it wants one.
        codes.push('children-not-frequent');
        allow('enhanced');
      } else if (activity.supervised) {
        codes.push('children-supervised', 'supervision-must-be-reasonable');
        allow('enhanced');
        uncertain = true;
      } else {
        codes.push('children-unsupervised-frequent');
        require('enhanced-children-barred');
      }
    }
    if (activity.inSpecifiedEstablishment && frequent) {
      if (activity.supervised) {
        codes.push('children-specified-establishment-supervised', 'supervision-must-be-reasonable');
        allow('enhanced');
        uncertain = true;
      } else {
        codes.push('children-specified-establishment');
        require('enhanced-children-barred');
      }
    }
  } else if (
    activity.helps === 'general-public' &&
    CHILD_REGULATED_IF_FREQUENT_UNSUPERVISED.some((t) => tasks.has(t) && t !== 'befriending' && t !== 'lifts')
  ) {
    // Teaching or guiding children only incidentally to adults is not regulated activity.
    codes.push('general-public-children-incidental');
  }

  if (withAdults) {
    let adultRegulated = false;
    for (const [task, code] of Object.entries(ADULT_REGULATED)) {
      if (tasks.has(task as Task)) {
        codes.push(code);
        adultRegulated = true;
      }
    }
    if (adultRegulated) {
      require('enhanced-adults-barred');
      if (!FREQUENT.includes(activity.frequency)) codes.push('adults-once-is-enough');
    } else if (ADULT_LOOKALIKES.some((t) => tasks.has(t))) {
      codes.push('adults-not-because-of-need');
    }
  }

  if (legal === 'none') {
    codes.push('not-regulated-activity', 'basic-at-most');
  } else {
    codes.push('enhanced-needs-eligibility');
  }

  let level: CheckLevel = legal;
  let groupPolicyLevel: CheckLevel | undefined;
  if (options.groupPolicy !== undefined) {
    groupPolicyLevel = meetLevels(options.groupPolicy, eligible);
    if (groupPolicyLevel !== options.groupPolicy) codes.push('group-policy-beyond-eligibility');
    const raised = joinLevels(legal, groupPolicyLevel);
    codes.push(raised === legal ? 'group-policy-no-stricter' : 'group-policy-stricter');
    level = raised;
  }

  if (uncertain) codes.push('check-with-eligibility-tool');

  return {
    level,
    legalLevel: legal,
    eligibleLevel: eligible,
    ...(groupPolicyLevel !== undefined ? { groupPolicyLevel } : {}),
    reasons: [...new Set(codes)].map(reason),
    certainty: uncertain ? 'check-eligibility-tool' : 'certain',
    rulesetVersion: RULESET.version,
  };
}
