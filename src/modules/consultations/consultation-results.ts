import {
  type Answer,
  optionCounts,
  rankingResult,
  scaleResult,
  scaleValues,
  withoutContactDetails,
} from './consultation-rules.js';
import type { AnonymousResponse, Consultation, Question } from './consultation-service.js';

export type Bar = { label: string; count: number; percent: number; y: number; width: number };
export type BarChart = { width: number; height: number; bars: Bar[] };

const CHART_WIDTH = 600;
/** Each option takes a line for its name and a bar below it, with the percentage at the bar's end. */
const ROW = 48;

/** Horizontal bars, one per option, as long as its percentage; the page has the same figures as a table. */
export function barChart(rows: { option: string; count: number; percent: number }[]): BarChart {
  const plot = CHART_WIDTH - 60;
  return {
    width: CHART_WIDTH,
    height: rows.length * ROW + 8,
    bars: rows.map((r, i) => ({
      label: r.option,
      count: r.count,
      percent: r.percent,
      y: i * ROW + 4,
      width: Math.round((plot * r.percent) / 100),
    })),
  };
}

export type QuestionResult =
  | {
      question: Question;
      kind: 'choice';
      answered: number;
      counts: { option: string; count: number; percent: number }[];
      chart: BarChart;
    }
  | {
      question: Question;
      kind: 'scale';
      answered: number;
      median: number | null;
      counts: { option: string; count: number; percent: number }[];
      chart: BarChart;
    }
  | {
      question: Question;
      kind: 'ranking';
      answered: number;
      rows: { option: string; meanRank: number | null; borda: number; firsts: number }[];
    }
  | { question: Question; kind: 'text'; answered: number; texts: string[] };

/** Each question's results from the sent responses. */
export function questionResults(c: Consultation, responses: AnonymousResponse[]): QuestionResult[] {
  return c.questions.map((q) => {
    const answers = responses.map((r) => r.answers[q.id]).filter((a): a is Answer => a !== undefined);
    switch (q.kind) {
      case 'radios':
      case 'checkboxes': {
        const r = optionCounts(q.options, answers);
        return { question: q, kind: 'choice', ...r, chart: barChart(r.counts) };
      }
      case 'scale': {
        const r = scaleResult(
          scaleValues(q.settings),
          answers.filter((a): a is number => typeof a === 'number'),
        );
        return { question: q, kind: 'scale', ...r, chart: barChart(r.counts) };
      }
      case 'ranking': {
        const r = rankingResult(
          q.options,
          answers.filter((a): a is string[] => Array.isArray(a)),
        );
        return { question: q, kind: 'ranking', ...r };
      }
      default: {
        const texts = answers.filter((a): a is string => typeof a === 'string').map(withoutContactDetails);
        return { question: q, kind: 'text', answered: texts.length, texts };
      }
    }
  });
}

export type MapResult = {
  pins: { x: number; y: number; n: number }[];
  byArea: { area: string; comments: { n: number; comment: string; placeWords: string; pinned: boolean }[] }[];
};

/**
 * The map comments: pins numbered in order (drawn over the image) and every comment listed by
 * area (the accessible version), with contact details taken out of the words.
 */
export function mapResult(c: Consultation, responses: AnonymousResponse[], otherLabel: string): MapResult {
  const all = responses.flatMap((r) => r.comments);
  const pins: MapResult['pins'] = [];
  const groups = new Map<string, MapResult['byArea'][number]['comments']>();
  for (const a of [...(c.map?.areas ?? []), otherLabel]) groups.set(a, []);
  all.forEach((m, i) => {
    const n = i + 1;
    if (m.x !== null && m.y !== null) pins.push({ x: m.x, y: m.y, n });
    const key = m.area && groups.has(m.area) ? m.area : otherLabel;
    groups.get(key)?.push({
      n,
      comment: withoutContactDetails(m.comment),
      placeWords: withoutContactDetails(m.placeWords),
      pinned: m.x !== null,
    });
  });
  return {
    pins,
    byArea: [...groups].map(([area, comments]) => ({ area, comments })).filter((g) => g.comments.length),
  };
}

/** Checkboxes and rankings in one CSV cell: the choices in order, separated by a semicolon. */
export function cellOf(a: Answer | undefined): string {
  if (a === undefined) return '';
  if (Array.isArray(a)) return a.join('; ');
  return typeof a === 'string' ? withoutContactDetails(a) : String(a);
}

/** The anonymised responses as JSON: the download, with text stripped of contact details. */
export function responsesJson(c: Consultation, responses: AnonymousResponse[]) {
  return {
    consultation: { id: c.id, title: c.title, status: c.status, opens_on: c.opensOn, closes_on: c.closesOn },
    questions: c.questions.map((q, i) => ({
      column: `q${i + 1}`,
      id: q.id,
      kind: q.kind,
      prompt: q.prompt,
      options: q.options,
    })),
    responses: responses.map((r) => ({
      response_id: r.responseId,
      submitted_on: r.submittedOn,
      answers: Object.fromEntries(
        c.questions.map((q, i) => {
          const a = r.answers[q.id];
          return [`q${i + 1}`, a === undefined ? null : typeof a === 'string' ? withoutContactDetails(a) : a];
        }),
      ),
      map_comments: r.comments.map((m) => ({
        x: m.x,
        y: m.y,
        area: m.area,
        place_words: withoutContactDetails(m.placeWords),
        comment: withoutContactDetails(m.comment),
      })),
    })),
  };
}

/** One CSV row per response: the same as the JSON, lists joined with "; ", map comments numbered. */
export function responsesCsv(c: Consultation, responses: AnonymousResponse[]) {
  const columns = ['response_id', 'submitted_on', ...c.questions.map((_, i) => `q${i + 1}`), 'map_comments'];
  const rows = responses.map((r) => ({
    response_id: r.responseId,
    submitted_on: r.submittedOn,
    ...Object.fromEntries(c.questions.map((q, i) => [`q${i + 1}`, cellOf(r.answers[q.id])])),
    map_comments: r.comments
      .map((m) => {
        const where = [
          m.area,
          m.x !== null ? `(${m.x}, ${m.y})` : null,
          m.placeWords ? withoutContactDetails(m.placeWords) : null,
        ]
          .filter(Boolean)
          .join(' ');
        return `${where}: ${withoutContactDetails(m.comment)}`;
      })
      .join(' | '),
  }));
  return { columns, rows };
}
