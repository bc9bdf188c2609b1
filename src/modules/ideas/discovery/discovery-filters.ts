import { isUuid } from '../../../platform/http/ids.js';
import { STAGES, type Stage, THEMES, type Theme } from '../idea-kinds.js';

/** How the list can be ordered: newest first, most supported, or most recently active. */
export const SORTS = ['newest', 'supported', 'active'] as const;
export type Sort = (typeof SORTS)[number];

/** `ward=none`: ideas whose area is described in words rather than one ward. */
export const NO_WARD = 'none';

export type IdeaFilters = {
  /** A ward's GSS code, NO_WARD, or null for every ward. */
  ward: string | null;
  stages: Stage[];
  themes: Theme[];
  callId: string | null;
  challengeId: string | null;
  /** Free text, as typed (trimmed, at most MAX_QUERY characters). */
  q: string;
  sort: Sort;
};

export const NO_FILTERS: IdeaFilters = {
  ward: null,
  stages: [],
  themes: [],
  callId: null,
  challengeId: null,
  q: '',
  sort: 'newest',
};

export const MAX_QUERY = 200;
const MAX_LIST = 20;
const E = 'ideas.discovery.errors';

/**
 * What a query string asked for, before the ward, call and challenge are looked up: values that
 * cannot be right (an unknown stage, a malformed id) are left out and named in `rejected`
 * (field → message key), so the page can say so and the API can answer 422.
 */
export type RawFilters = {
  filters: IdeaFilters;
  /** The ward as typed (a code or a slug), looked up by the service. */
  wardAsked: string | null;
  rejected: Record<string, string>;
};

/** One value or several: repeated keys (checkboxes) arrive as arrays, the API also takes commas. */
function listOf(value: unknown): string[] {
  const all = Array.isArray(value) ? value : [value];
  return all
    .filter((v): v is string => typeof v === 'string')
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

/** The first string of a value (a repeated key for a single-choice field keeps the first). */
function one(value: unknown): string {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first.trim() : '';
}

/** Control characters (NUL above all) cannot reach the database. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const clean = (s: string) => s.replace(/[\u0000-\u001f\u007f]/g, ' ');

export function readFilters(query: unknown): RawFilters {
  const q = (query && typeof query === 'object' ? query : {}) as Record<string, unknown>;
  const rejected: Record<string, string> = {};

  const stagesAsked = listOf(q.stage);
  const stages = [
    ...new Set(stagesAsked.filter((s): s is Stage => (STAGES as readonly string[]).includes(s))),
  ];
  if (stagesAsked.some((s) => !stages.includes(s as Stage))) rejected.stage = `${E}.stage`;

  const themesAsked = listOf(q.theme);
  const themes = [
    ...new Set(themesAsked.filter((s): s is Theme => (THEMES as readonly string[]).includes(s))),
  ];
  if (themesAsked.some((s) => !themes.includes(s as Theme))) rejected.theme = `${E}.theme`;

  const ward = clean(one(q.ward));
  let wardAsked: string | null = null;
  if (ward && ward.length <= 80) wardAsked = ward;
  else if (ward) rejected.ward = `${E}.ward`;

  const call = one(q.call);
  const callId = isUuid(call) ? call.toLowerCase() : null;
  if (call && !callId) rejected.call = `${E}.call`;

  const challenge = one(q.challenge);
  const challengeId = isUuid(challenge) ? challenge.toLowerCase() : null;
  if (challenge && !challengeId) rejected.challenge = `${E}.challenge`;

  const sortAsked = one(q.sort);
  const sort = (SORTS as readonly string[]).includes(sortAsked) ? (sortAsked as Sort) : 'newest';
  if (sortAsked && sort !== sortAsked) rejected.sort = `${E}.sort`;

  return {
    filters: {
      ward: null,
      stages: stages.slice(0, MAX_LIST),
      themes: themes.slice(0, MAX_LIST),
      callId,
      challengeId,
      q: clean(one(q.q)).trim().slice(0, MAX_QUERY),
      sort,
    },
    wardAsked,
    rejected,
  };
}

/**
 * The query string for a set of filters (the form's own names), for links that keep them:
 * pagination, sort links, downloads and "remove" links.
 */
export function filterQuery(f: IdeaFilters, options: { sort?: boolean } = {}): URLSearchParams {
  const out = new URLSearchParams();
  if (f.ward) out.set('ward', f.ward);
  for (const s of f.stages) out.append('stage', s);
  for (const t of f.themes) out.append('theme', t);
  if (f.callId) out.set('call', f.callId);
  if (f.challengeId) out.set('challenge', f.challengeId);
  if (f.q) out.set('q', f.q);
  if (options.sort !== false && f.sort !== 'newest') out.set('sort', f.sort);
  return out;
}

/** True when the list is narrowed by anything (the sort does not narrow it). */
export function isFiltered(f: IdeaFilters): boolean {
  return Boolean(f.ward || f.stages.length || f.themes.length || f.callId || f.challengeId || f.q);
}
