import {
  CHECK_LEVELS,
  type CheckLevel,
  FREQUENCIES,
  type Frequency,
  HELPS,
  type Helps,
  isCheckLevel,
  SETTINGS,
  type Setting,
  TASKS,
  type Task,
} from '../../../lib/dbs-rules/index.js';

/**
 * The answers so far, carried from page to page in the query string so the questions work
 * without a session or JavaScript. Anything unrecognised is treated as not yet answered.
 */
export type Answers = {
  setting?: Setting;
  helps?: Helps;
  /** Empty when the person chose "none of these". */
  tasks?: Task[];
  frequency?: Frequency;
  supervised?: 'yes' | 'no';
  establishment?: 'yes' | 'no';
  policy?: CheckLevel | 'no-policy';
};

export type Field = keyof Answers;

export type Question = {
  slug: string;
  field: Field;
  kind: 'radios' | 'checkboxes';
  options: readonly string[];
  applies: (a: Answers) => boolean;
};

const organised = (a: Answers) => a.setting !== undefined && a.setting !== 'neighbours';
const YES_NO = ['yes', 'no'] as const;
export const POLICIES = ['no-policy', ...CHECK_LEVELS.filter((l) => l !== 'none')] as const;

/** One question per page, in the order asked; a question that does not apply is skipped. */
export const QUESTIONS: readonly Question[] = [
  { slug: 'who-organises', field: 'setting', kind: 'radios', options: SETTINGS, applies: () => true },
  { slug: 'who-you-help', field: 'helps', kind: 'radios', options: HELPS, applies: organised },
  { slug: 'what-you-do', field: 'tasks', kind: 'checkboxes', options: TASKS, applies: organised },
  { slug: 'how-often', field: 'frequency', kind: 'radios', options: FREQUENCIES, applies: organised },
  { slug: 'supervised', field: 'supervised', kind: 'radios', options: YES_NO, applies: organised },
  {
    slug: 'where',
    field: 'establishment',
    kind: 'radios',
    options: YES_NO,
    applies: (a) => organised(a) && (a.helps === 'children' || a.helps === 'both'),
  },
  { slug: 'group-policy', field: 'policy', kind: 'radios', options: POLICIES, applies: organised },
];

const oneOf = <T extends string>(options: readonly T[], v: unknown): T | undefined =>
  typeof v === 'string' && (options as readonly string[]).includes(v) ? (v as T) : undefined;

/** The raw values of a field: checkbox groups arrive repeated or comma-joined. */
function list(v: unknown): string[] {
  const raw = Array.isArray(v) ? v : [v];
  return raw.filter((x): x is string => typeof x === 'string').flatMap((x) => x.split(','));
}

export function parseAnswers(query: Record<string, unknown>): Answers {
  const a: Answers = {};
  const setting = oneOf(SETTINGS, query.setting);
  if (setting) a.setting = setting;
  const helps = oneOf(HELPS, query.helps);
  if (helps) a.helps = helps;
  const tasks = parseTasks(query.tasks);
  if (tasks) a.tasks = tasks;
  const frequency = oneOf(FREQUENCIES, query.frequency);
  if (frequency) a.frequency = frequency;
  const supervised = oneOf(YES_NO, query.supervised);
  if (supervised) a.supervised = supervised;
  const establishment = oneOf(YES_NO, query.establishment);
  if (establishment) a.establishment = establishment;
  const policy = oneOf(POLICIES, query.policy);
  if (policy) a.policy = policy;
  return a;
}

/** Tasks chosen, `[]` for "none of these", or undefined when the answer is missing or odd. */
function parseTasks(v: unknown): Task[] | undefined {
  const values = list(v).filter((x) => x !== '');
  if (values.length === 0) return undefined;
  if (values.length === 1 && values[0] === 'none') return [];
  if (values.includes('none')) return undefined;
  const tasks = TASKS.filter((t) => values.includes(t));
  return tasks.length === new Set(values).size ? tasks : undefined;
}

export function isAnswered(a: Answers, field: Field): boolean {
  return a[field] !== undefined;
}

/** The query string for a set of answers, only the ones that still apply. */
export function answersQuery(a: Answers): string {
  const params = new URLSearchParams();
  for (const q of QUESTIONS) {
    if (!q.applies(a) || a[q.field] === undefined) continue;
    if (q.field === 'tasks') {
      const tasks = a.tasks ?? [];
      if (tasks.length === 0) params.append('tasks', 'none');
      for (const t of tasks) params.append('tasks', t);
    } else params.append(q.field, String(a[q.field]));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** The hidden inputs that carry every other answer through a question page's form. */
export function hiddenFields(a: Answers, except: Field): { name: string; value: string }[] {
  const params = new URLSearchParams(answersQuery(a));
  return [...params].filter(([name]) => name !== except).map(([name, value]) => ({ name, value }));
}

export function firstUnanswered(a: Answers): Question | undefined {
  return QUESTIONS.find((q) => q.applies(a) && !isAnswered(a, q.field));
}

/** The question asked before this one, for the back link. */
export function previousQuestion(a: Answers, slug: string): Question | undefined {
  const i = QUESTIONS.findIndex((q) => q.slug === slug);
  return QUESTIONS.slice(0, Math.max(i, 0))
    .reverse()
    .find((q) => q.applies(a));
}

export function groupPolicy(a: Answers): CheckLevel | undefined {
  return a.policy && a.policy !== 'no-policy' && isCheckLevel(a.policy) ? a.policy : undefined;
}
