/**
 * The rules of consultations with no database: what a question may be, what an answer to it
 * may be, when a consultation takes answers, and the results' arithmetic. Messages are catalogue
 * keys under `consultations.errors`.
 */

export const KINDS = ['radios', 'checkboxes', 'text', 'scale', 'ranking'] as const;
export type QuestionKind = (typeof KINDS)[number];

export type QuestionSettings = {
  minChoices?: number;
  maxChoices?: number;
  long?: boolean;
  maxLength?: number;
  min?: number;
  max?: number;
  lowLabel?: string;
  highLabel?: string;
};

export type QuestionDefinition = {
  kind: QuestionKind;
  prompt: string;
  hint: string;
  required: boolean;
  options: string[];
  settings: QuestionSettings;
};

export type Answer = string | number | string[];

const E = 'consultations.errors';
export const MAX_OPTIONS = 20;
export const MAX_TEXT = 2000;
export const MAX_RANKED = 8;

const whole = (v: unknown): number | null => {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v !== 'string' || !/^-?\d{1,4}$/.test(v.trim())) return null;
  return Number(v.trim());
};
const text = (v: unknown) => (typeof v === 'string' ? v.replace(/\r\n/g, '\n').trim() : '');

/**
 * A question as an officer writes it in the builder (flat form fields), checked for its kind.
 * Returns the definition or throws-free field errors.
 */
export function questionFromForm(
  fields: Record<string, unknown>,
): { ok: true; question: QuestionDefinition } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const kind = text(fields.kind) as QuestionKind;
  if (!KINDS.includes(kind)) return { ok: false, errors: { kind: `${E}.kind` } };
  const prompt = text(fields.prompt);
  if (!prompt) errors.prompt = `${E}.promptMissing`;
  else if (prompt.length > 300) errors.prompt = `${E}.promptTooLong`;
  const hint = text(fields.hint);
  if (hint.length > 500) errors.hint = `${E}.hintTooLong`;
  const required = text(fields.required) !== 'no';
  const settings: QuestionSettings = {};
  let options: string[] = [];
  if (kind === 'radios' || kind === 'checkboxes' || kind === 'ranking') {
    options = [
      ...new Set(
        text(fields.options)
          .split('\n')
          .map((o) => o.trim())
          .filter(Boolean),
      ),
    ];
    const most = kind === 'ranking' ? MAX_RANKED : MAX_OPTIONS;
    if (options.length < 2) errors.options = `${E}.optionsFew`;
    else if (options.length > most)
      errors.options = kind === 'ranking' ? `${E}.rankingMany` : `${E}.optionsMany`;
    else if (options.some((o) => o.length > 200)) errors.options = `${E}.optionTooLong`;
  }
  if (kind === 'checkboxes') {
    const min = text(fields.minChoices) ? whole(fields.minChoices) : null;
    const max = text(fields.maxChoices) ? whole(fields.maxChoices) : null;
    if (text(fields.minChoices) && (min === null || min < 1 || min > options.length))
      errors.minChoices = `${E}.minChoices`;
    else if (min !== null) settings.minChoices = min;
    if (text(fields.maxChoices) && (max === null || max < 1 || max > options.length))
      errors.maxChoices = `${E}.maxChoices`;
    else if (max !== null) settings.maxChoices = max;
    if (min !== null && max !== null && !errors.minChoices && !errors.maxChoices && min > max)
      errors.maxChoices = `${E}.minOverMax`;
  }
  if (kind === 'text') {
    settings.long = text(fields.long) === 'yes';
    const max = text(fields.maxLength) ? whole(fields.maxLength) : MAX_TEXT;
    if (max === null || max < 10 || max > MAX_TEXT) errors.maxLength = `${E}.maxLength`;
    else settings.maxLength = max;
  }
  if (kind === 'scale') {
    const min = whole(fields.scaleMin ?? '1');
    const max = whole(fields.scaleMax ?? '5');
    if (min === null || min < 0 || min > 1) errors.scaleMin = `${E}.scaleMin`;
    if (max === null || max < 3 || max > 10) errors.scaleMax = `${E}.scaleMax`;
    if (min !== null && max !== null) Object.assign(settings, { min, max });
    const lowLabel = text(fields.lowLabel);
    const highLabel = text(fields.highLabel);
    if (!lowLabel || lowLabel.length > 60) errors.lowLabel = `${E}.scaleLabel`;
    if (!highLabel || highLabel.length > 60) errors.highLabel = `${E}.scaleLabel`;
    Object.assign(settings, { lowLabel, highLabel });
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, question: { kind, prompt, hint, required, options, settings } };
}

/** The values a scale question offers, lowest first. */
export function scaleValues(s: QuestionSettings): number[] {
  const out: number[] = [];
  for (let v = s.min ?? 1; v <= (s.max ?? 5); v++) out.push(v);
  return out;
}

/** The form field a question's answer arrives in (ranking: one per position, `-1` … `-N`). */
export const fieldOf = (questionId: string) => `q-${questionId}`;

const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];

/**
 * A resident's answer to one question from the posted form: the answer (null for a skipped
 * optional question) or the catalogue key of what is wrong.
 */
export function answerFromForm(
  q: QuestionDefinition & { id: string },
  fields: Record<string, unknown>,
): { ok: true; answer: Answer | null } | { ok: false; error: string } {
  const name = fieldOf(q.id);
  const missing = () =>
    q.required
      ? { ok: false as const, error: `${E}.answer.${q.kind}Missing` }
      : { ok: true as const, answer: null };
  switch (q.kind) {
    case 'radios': {
      const v = text(fields[name]);
      if (!v) return missing();
      return q.options.includes(v)
        ? { ok: true, answer: v }
        : { ok: false, error: `${E}.answer.notAnOption` };
    }
    case 'checkboxes': {
      const chosen = [
        ...new Set(
          list(fields[name])
            .map((v) => v.trim())
            .filter(Boolean),
        ),
      ];
      if (chosen.length === 0) return missing();
      if (chosen.some((v) => !q.options.includes(v))) return { ok: false, error: `${E}.answer.notAnOption` };
      if (q.settings.minChoices && chosen.length < q.settings.minChoices)
        return { ok: false, error: `${E}.answer.tooFewChoices` };
      if (q.settings.maxChoices && chosen.length > q.settings.maxChoices)
        return { ok: false, error: `${E}.answer.tooManyChoices` };
      // In the officer's order, whatever order the browser sent them in.
      return { ok: true, answer: q.options.filter((o) => chosen.includes(o)) };
    }
    case 'text': {
      const v = text(fields[name]);
      if (!v) return missing();
      if (v.length > (q.settings.maxLength ?? MAX_TEXT))
        return { ok: false, error: `${E}.answer.textTooLong` };
      return { ok: true, answer: v };
    }
    case 'scale': {
      const raw = text(fields[name]);
      if (!raw) return missing();
      const v = whole(raw);
      if (v === null || !scaleValues(q.settings).includes(v))
        return { ok: false, error: `${E}.answer.scaleRange` };
      return { ok: true, answer: v };
    }
    case 'ranking': {
      const ranks = q.options.map((_, i) => text(fields[`${name}-${i + 1}`]));
      if (ranks.every((r) => !r)) return missing();
      if (ranks.some((r) => !r)) return { ok: false, error: `${E}.answer.rankAll` };
      if (ranks.some((r) => !q.options.includes(r))) return { ok: false, error: `${E}.answer.notAnOption` };
      if (new Set(ranks).size !== ranks.length) return { ok: false, error: `${E}.answer.rankTwice` };
      return { ok: true, answer: ranks };
    }
  }
}

/** Whether a stored answer is still a valid answer (used when reading back a draft). */
export function answerIsValid(q: QuestionDefinition & { id: string }, answer: Answer): boolean {
  const fields: Record<string, unknown> =
    q.kind === 'ranking' && Array.isArray(answer)
      ? Object.fromEntries(answer.map((a, i) => [`${fieldOf(q.id)}-${i + 1}`, a]))
      : { [fieldOf(q.id)]: typeof answer === 'number' ? String(answer) : answer };
  const r = answerFromForm(q, fields);
  return r.ok && r.answer !== null;
}

// --- Dates --------------------------------------------------------------------------------------

/** Today's date in Europe/London (a consultation opens and closes on London days). */
export function londonToday(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/London',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

/**
 * Answers are taken while the officer has it open and London's date is from the opening day
 * to the closing day, both whole days.
 */
export function takingAnswers(
  c: { status: string; opensOn: string; closesOn: string },
  now: Date = new Date(),
): boolean {
  const today = londonToday(now);
  return c.status === 'open' && today >= c.opensOn && today <= c.closesOn;
}

// --- Map pins -----------------------------------------------------------------------------------

/**
 * A click on the map (`pin.x`, `pin.y` in the pixels of the image as shown, `shownWidth` wide and
 * `shownHeight` high) as fractions of the image, to 4 places; null when it is not a click on it.
 */
export function pinFromClick(
  x: unknown,
  y: unknown,
  shownWidth: number,
  shownHeight: number,
): { x: number; y: number } | null {
  const n = (v: unknown) =>
    typeof v === 'string' && /^\d{1,5}(\.\d{1,6})?$/.test(v.trim()) ? Number(v) : null;
  const px = n(x);
  const py = n(y);
  if (px === null || py === null || px > shownWidth || py > shownHeight) return null;
  const round = (v: number) => Math.round(v * 10_000) / 10_000;
  return { x: round(px / shownWidth), y: round(py / shownHeight) };
}

// --- Results ------------------------------------------------------------------------------------

/** A whole percentage, half rounded up, in integers only (so 1 of 8 is 13%, never 12.5). */
export function percent(count: number, of: number): number {
  if (of <= 0) return 0;
  return Math.floor((200 * count + of) / (2 * of));
}

export type OptionCount = { option: string; count: number; percent: number };

/** How many chose each option (radios, checkboxes), of those who answered the question. */
export function optionCounts(
  options: string[],
  answers: Answer[],
): { answered: number; counts: OptionCount[] } {
  const answered = answers.length;
  return {
    answered,
    counts: options.map((option) => {
      const count = answers.filter((a) => (Array.isArray(a) ? a.includes(option) : a === option)).length;
      return { option, count, percent: percent(count, answered) };
    }),
  };
}

/** A scale's distribution and median (the mean of the middle two when the count is even). */
export function scaleResult(values: number[], answers: number[]) {
  const answered = answers.length;
  const sorted = [...answers].sort((a, b) => a - b);
  const mid = Math.floor(answered / 2);
  const median =
    answered === 0
      ? null
      : answered % 2 === 1
        ? (sorted[mid] as number)
        : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return {
    answered,
    median,
    counts: values.map((v) => {
      const count = answers.filter((a) => a === v).length;
      return { option: String(v), count, percent: percent(count, answered) };
    }),
  };
}

/**
 * A ranking's results: each option's mean rank (1 is first, to 2 decimal places) and its Borda
 * count (with N options, first place scores N − 1 points, last place 0), most points first.
 */
export function rankingResult(options: string[], rankings: string[][]) {
  const n = options.length;
  const rows = options.map((option) => {
    const positions = rankings.map((r) => r.indexOf(option)).filter((i) => i >= 0);
    const sum = positions.reduce((s, i) => s + i + 1, 0);
    const borda = positions.reduce((s, i) => s + (n - 1 - i), 0);
    return {
      option,
      meanRank: positions.length ? Math.round((sum * 100) / positions.length) / 100 : null,
      borda,
      firsts: positions.filter((i) => i === 0).length,
    };
  });
  rows.sort((a, b) => b.borda - a.borda || options.indexOf(a.option) - options.indexOf(b.option));
  return { answered: rankings.length, rows };
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// UK-style phone numbers: 0 or +44 then 9 or 10 more digits, with spaces, dots or dashes between.
const PHONE = /(?:\+44\s?\(?0?\)?|\b0)(?:[\s.-]?\d){9,10}\b/g;

/** Free text with email addresses and phone numbers taken out, for results and downloads. */
export function withoutContactDetails(value: string): string {
  return value.replace(EMAIL, '[email removed]').replace(PHONE, '[phone number removed]');
}
