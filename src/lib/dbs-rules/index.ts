export { type Activity, type Assessment, assessCheck, REASON_KEY_PREFIX, type Reason } from './assess.js';
export { atLeast, CHECK_LEVELS, type CheckLevel, isCheckLevel, joinLevels, meetLevels } from './levels.js';
export {
  FREQUENCIES,
  type Frequency,
  HELPS,
  type Helps,
  REASONS,
  type ReasonCode,
  RULESET,
  type RuleSource,
  SETTINGS,
  type Setting,
  TASKS,
  type Task,
} from './ruleset.js';
