import { z } from 'zod';

/**
 * Form fields for council challenges; messages are catalogue keys. The challenge form has a
 * fixed number of rows for figures and impact steps (it works without JavaScript): a row left
 * blank is skipped, a row half filled in is an error on the field still missing.
 */
export const FIGURE_ROWS = 4;
export const STEP_ROWS = 5;
const E = 'mutualAid.challenges.errors';

// Contact details have no place in public text.
const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/;
const PHONE = /(?:\+44|\b0)\s*\d(?:[\s-]?\d){8,10}\b/;
export const hasContactDetails = (s: string) => EMAIL.test(s) || PHONE.test(s);

type Issues = { add: (field: string, key: string) => void };
type Fields = Record<string, string>;

function text(v: Fields, field: string, max: number, issues: Issues, required: string | null): string {
  const s = (v[field] ?? '').trim();
  if (!s && required) issues.add(field, `${E}.${required}`);
  else if (s.length > max) issues.add(field, `${E}.tooLong`);
  return s;
}

/** A count: a whole number of 0 or more, as typed (commas allowed: 2,140). */
function count(v: Fields, field: string, issues: Issues, required: string | null): number | null {
  const s = (v[field] ?? '').trim().replace(/,/g, '');
  if (!s) {
    if (required) issues.add(field, `${E}.${required}`);
    return null;
  }
  if (!/^\d{1,9}$/.test(s)) {
    issues.add(field, `${E}.notACount`);
    return null;
  }
  return Number(s);
}

function url(v: Fields, field: string, issues: Issues, required: string | null): string | null {
  const s = (v[field] ?? '').trim();
  if (!s) {
    if (required) issues.add(field, `${E}.${required}`);
    return null;
  }
  let ok = s.length <= 500 && /^https?:\/\/\S+$/i.test(s);
  try {
    ok &&= ['http:', 'https:'].includes(new URL(s).protocol);
  } catch {
    ok = false;
  }
  if (!ok) issues.add(field, `${E}.notAWebAddress`);
  return ok ? s : null;
}

/** A GOV.UK date input (`<name>-day`, `-month`, `-year`): a real date, not in the future. */
function pastDate(v: Fields, name: string, issues: Issues, now: Date): Date | null {
  const [d, m, y] = ['day', 'month', 'year'].map((p) => (v[`${name}-${p}`] ?? '').trim());
  const field = `${name}-day`;
  if (!d && !m && !y) {
    issues.add(field, `${E}.dateMissing`);
    return null;
  }
  if (![d, m, y].every((p) => /^\d+$/.test(p ?? '')) || (y ?? '').length !== 4) {
    issues.add(field, `${E}.dateInvalid`);
    return null;
  }
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  if (date.getUTCDate() !== Number(d) || date.getUTCMonth() !== Number(m) - 1 || Number(y) < 1900) {
    issues.add(field, `${E}.dateInvalid`);
    return null;
  }
  // Compared as calendar days in UTC: today is allowed, tomorrow is not.
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  if (date.getTime() > today) {
    issues.add(field, `${E}.dateFuture`);
    return null;
  }
  return date;
}

const blank = (v: Fields, fields: string[]) => fields.every((f) => !(v[f] ?? '').trim());

export type FigureInput = {
  position: number;
  label: string;
  value: number;
  partOf: number | null;
  sourceName: string;
  sourceUrl: string;
  asOf: Date;
};
export type StepInput = { position: number; step: string; evidenceUrl: string | null; evidenceText: string };

export type ChallengeInput = {
  title: string;
  summary: string;
  ward: string;
  area: string;
  howToHelp: string;
  measureName: string;
  measureBaseline: number | null;
  measureTarget: number | null;
  figures: FigureInput[];
  steps: StepInput[];
};

/** A schema whose whole check is `read`, so every problem on the form is reported at once. */
function formSchema<T>(read: (v: Fields, issues: Issues) => T) {
  return z.record(z.string(), z.unknown()).transform((raw, ctx) => {
    const v: Fields = Object.fromEntries(
      Object.entries(raw).map(([k, x]) => [k, typeof x === 'string' ? x : '']),
    );
    let failed = false;
    const result = read(v, {
      add: (field, key) => {
        failed = true;
        ctx.addIssue({ code: 'custom', path: [field], message: key });
      },
    });
    return failed ? z.NEVER : result;
  });
}

export const challengeInput = (now = new Date()) =>
  formSchema<ChallengeInput>((v, issues) => {
    const title = text(v, 'title', 120, issues, 'titleMissing');
    const summary = text(v, 'summary', 2000, issues, 'summaryMissing');
    const ward = text(v, 'ward', 80, issues, null);
    const area = text(v, 'area', 120, issues, ward ? null : 'whereMissing');
    const howToHelp = text(v, 'howToHelp', 2000, issues, 'howToHelpMissing');
    const measureName = text(v, 'measureName', 120, issues, 'measureMissing');
    for (const [f, s] of [
      ['title', title],
      ['summary', summary],
      ['howToHelp', howToHelp],
    ] as const)
      if (hasContactDetails(s)) issues.add(f, `${E}.contactInPublic`);
    const measureBaseline = count(v, 'measureBaseline', issues, null);
    const measureTarget = count(v, 'measureTarget', issues, null);

    const figures: FigureInput[] = [];
    let figureRows = 0;
    for (let n = 1; n <= FIGURE_ROWS; n++) {
      const f = (k: string) => `figure${n}${k}`;
      const dateParts = ['-day', '-month', '-year'].map((p) => f(`AsOf${p}`));
      if (blank(v, [f('Label'), f('Value'), f('Source'), f('SourceUrl'), ...dateParts])) continue;
      figureRows++;
      const label = text(v, f('Label'), 200, issues, 'figureLabelMissing');
      const value = count(v, f('Value'), issues, 'figureValueMissing');
      const sourceName = text(v, f('Source'), 200, issues, 'sourceMissing');
      const sourceUrl = url(v, f('SourceUrl'), issues, 'sourceUrlMissing');
      const asOf = pastDate(v, f('AsOf'), issues, now);
      const partOfRaw = (v[f('PartOf')] ?? '').trim();
      const partOf = /^\d+$/.test(partOfRaw) ? Number(partOfRaw) : null;
      if (partOfRaw && partOf === null) issues.add(f('PartOf'), `${E}.partOfInvalid`);
      if (value !== null && sourceUrl !== null && asOf !== null)
        figures.push({ position: n, label, value, partOf, sourceName, sourceUrl, asOf });
    }
    if (figureRows === 0) issues.add('figure1Label', `${E}.figuresMissing`);
    // A part must belong to a figure given on the form that is itself not a part, and the
    // parts of a total cannot add up to more than it.
    const byPosition = new Map(figures.map((x) => [x.position, x]));
    for (const x of figures) {
      if (x.partOf === null) continue;
      const total = byPosition.get(x.partOf);
      if (!total || x.partOf === x.position || total.partOf !== null)
        issues.add(`figure${x.position}PartOf`, `${E}.partOfInvalid`);
    }
    for (const total of figures) {
      const parts = figures.filter((x) => x.partOf === total.position);
      if (parts.length && parts.reduce((s, x) => s + x.value, 0) > total.value)
        issues.add(`figure${total.position}Value`, `${E}.partsExceedTotal`);
    }

    const steps: StepInput[] = [];
    for (let n = 1; n <= STEP_ROWS; n++) {
      const f = (k: string) => `step${n}${k}`;
      if (blank(v, [f('Text'), f('EvidenceUrl'), f('EvidenceText')])) continue;
      const step = text(v, f('Text'), 300, issues, 'stepMissing');
      const evidenceUrl = url(v, f('EvidenceUrl'), issues, null);
      const evidenceText = text(v, f('EvidenceText'), 200, issues, null);
      if (evidenceText && !(v[f('EvidenceUrl')] ?? '').trim())
        issues.add(f('EvidenceUrl'), `${E}.evidenceUrlMissing`);
      steps.push({ position: n, step, evidenceUrl, evidenceText });
    }
    if (steps.length === 0) issues.add('step1Text', `${E}.stepsMissing`);

    return {
      title,
      summary,
      ward,
      area,
      howToHelp,
      measureName,
      measureBaseline,
      measureTarget,
      figures,
      steps,
    };
  });

export type UpdateInput = { body: string; measureValue: number | null; asOf: Date };

export const updateInput = (now = new Date()) =>
  formSchema<UpdateInput>((v, issues) => {
    const body = text(v, 'body', 2000, issues, 'updateMissing');
    if (hasContactDetails(body)) issues.add('body', `${E}.contactInPublic`);
    const measureValue = count(v, 'measureValue', issues, null);
    const asOf = pastDate(v, 'asOf', issues, now);
    return { body, measureValue, asOf: asOf as Date };
  });

export const RESPONSE_KINDS = ['pledge', 'start-group', 'idea'] as const;
export type ResponseKind = (typeof RESPONSE_KINDS)[number];
export type ResponseInput = { kind: ResponseKind; body: string; showName: boolean; group: string };

export const responseInput = formSchema<ResponseInput>((v, issues) => {
  const kind = (RESPONSE_KINDS as readonly string[]).includes(v.kind ?? '') ? (v.kind as ResponseKind) : null;
  if (!kind) issues.add('kind', `${E}.kindMissing`);
  const body = text(v, 'body', 1000, issues, kind === 'idea' ? 'ideaMissing' : 'responseMissing');
  if (hasContactDetails(body)) issues.add('body', `${E}.contactInPublic`);
  const group = (v.group ?? '').trim();
  return { kind: kind as ResponseKind, body, showName: v.showName === 'yes', group };
});
