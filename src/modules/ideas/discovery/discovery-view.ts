import { pageNumbers } from '../../../platform/http/pagination.js';
import type { Translate } from '../../../platform/i18n/i18n.js';
import { STAGES, type Stage, THEMES } from '../idea-kinds.js';
import type { IdeaCall } from './call-service.js';
import { filterQuery, type IdeaFilters, NO_WARD, SORTS } from './discovery-filters.js';

const P = 'ideas.discovery';

/** GOV.UK tag colours for the stages, so a stage reads the same on every page. */
export const STAGE_TAG: Record<Stage, string> = {
  proposed: 'govuk-tag--grey',
  developing: 'govuk-tag--blue',
  testing: 'govuk-tag--yellow',
  adopted: 'govuk-tag--green',
  learned: 'govuk-tag--purple',
};

/** An address with the filters' query string (and any extra values), or the bare path. */
export function hrefWith(path: string, query: URLSearchParams): string {
  const s = query.toString();
  return s ? `${path}?${s}` : path;
}

/** "1 idea", "12 ideas". */
export function ideaCount(t: Translate, n: number, formatted: string): string {
  return t(n === 1 ? `${P}.list.countOne` : `${P}.list.countMany`, { count: formatted });
}

/** GOV.UK pagination for a list page, keeping the filters in the links; null for one page. */
export function paginationFor(
  page: number,
  perPage: number,
  total: number,
  path: string,
  query: URLSearchParams,
) {
  const pages = Math.max(1, Math.ceil(total / perPage));
  if (pages <= 1) return null;
  const href = (n: number) => {
    const q = new URLSearchParams(query);
    if (n > 1) q.set('page', String(n));
    return hrefWith(path, q);
  };
  return {
    items: pageNumbers(Math.min(page, pages), pages).map((n) =>
      n === null ? { ellipsis: true } : { number: n, href: href(n), current: n === page },
    ),
    previous: page > 1 ? { href: href(Math.min(page - 1, pages)) } : null,
    next: page < pages ? { href: href(page + 1) } : null,
  };
}

/** The page number from the address: anything that is not a whole number from 1 is page 1. */
export function pageFrom(query: unknown): number {
  const raw = (query as Record<string, unknown> | null)?.page;
  const n = typeof raw === 'string' && /^\d{1,6}$/.test(raw) ? Number(raw) : 1;
  return Math.max(n, 1);
}

type Choice = { value: string; text: string };

/**
 * The filter panel's fields (ward, stages, themes, call, challenge, words, sort), each with
 * what is chosen now, for the list and (without the ward) the map.
 */
export function filterPanel(
  t: Translate,
  f: IdeaFilters,
  options: {
    wards: Choice[];
    calls: IdeaCall[];
    challenges: Map<string, string>;
  },
) {
  const select = (any: string, items: Choice[], chosen: string | null) => [
    { value: '', text: any, selected: !chosen },
    ...items.map((o) => ({ ...o, selected: o.value === chosen })),
  ];
  return {
    wardItems: select(
      t(`${P}.filters.anyWard`),
      [{ value: NO_WARD, text: t(`${P}.filters.noWard`) }, ...options.wards],
      f.ward,
    ),
    stageItems: STAGES.map((s) => ({
      value: s,
      text: t(`ideas.stages.${s}`),
      checked: f.stages.includes(s),
    })),
    themeItems: THEMES.map((s) => ({
      value: s,
      text: t(`ideas.themes.${s}`),
      checked: f.themes.includes(s),
    })),
    callItems: select(
      t(`${P}.filters.anyCall`),
      options.calls.map((c) => ({ value: c.id, text: c.question })),
      f.callId,
    ),
    challengeItems: options.challenges.size
      ? select(
          t(`${P}.filters.anyChallenge`),
          [...options.challenges].map(([value, text]) => ({ value, text })),
          f.challengeId,
        )
      : null,
    sortItems: SORTS.map((s) => ({ value: s, text: t(`${P}.sorts.${s}`), selected: f.sort === s })),
  };
}

/**
 * The filters in force, each with a link that removes it (keeping the rest), for the "active
 * filters" list above the results.
 */
export function activeFilters(
  t: Translate,
  f: IdeaFilters,
  path: string,
  names: { ward: string | null; call: string | null; challenge: string | null },
) {
  const without = (change: Partial<IdeaFilters>) => hrefWith(path, filterQuery({ ...f, ...change }));
  const out: { label: string; value: string; href: string }[] = [];
  if (f.ward)
    out.push({
      label: t(`${P}.filters.ward`),
      value: f.ward === NO_WARD ? t(`${P}.filters.noWard`) : (names.ward ?? f.ward),
      href: without({ ward: null }),
    });
  for (const s of f.stages)
    out.push({
      label: t(`${P}.filters.stage`),
      value: t(`ideas.stages.${s}`),
      href: without({ stages: f.stages.filter((x) => x !== s) }),
    });
  for (const s of f.themes)
    out.push({
      label: t(`${P}.filters.theme`),
      value: t(`ideas.themes.${s}`),
      href: without({ themes: f.themes.filter((x) => x !== s) }),
    });
  if (f.callId)
    out.push({
      label: t(`${P}.filters.call`),
      value: names.call ?? f.callId,
      href: without({ callId: null }),
    });
  if (f.challengeId)
    out.push({
      label: t(`${P}.filters.challenge`),
      value: names.challenge ?? f.challengeId,
      href: without({ challengeId: null }),
    });
  if (f.q) out.push({ label: t(`${P}.filters.words`), value: f.q, href: without({ q: '' }) });
  return out;
}

/** Links to the list in each order, keeping the filters; the current one is not a link. */
export function sortLinks(t: Translate, f: IdeaFilters, path: string) {
  return SORTS.map((s) => ({
    text: t(`${P}.sorts.${s}`),
    href: hrefWith(path, filterQuery({ ...f, sort: s })),
    current: f.sort === s,
  }));
}

/** A call's dates in words: "Open from 3 March 2026 to 30 April 2026", and so on. */
export function callDates(
  t: Translate,
  call: IdeaCall,
  date: (d: Date) => string,
): { statusText: string; dates: string; tag: string } {
  const d = (s: string) => date(new Date(`${s}T12:00:00Z`));
  const tag = { open: 'govuk-tag--green', upcoming: 'govuk-tag--blue', closed: 'govuk-tag--grey' }[
    call.status
  ];
  const dates = call.closesOn
    ? t(`${P}.calls.datesBetween`, { opens: d(call.opensOn), closes: d(call.closesOn) })
    : t(`${P}.calls.datesFrom`, { opens: d(call.opensOn) });
  return { statusText: t(`${P}.calls.status.${call.status}`), dates, tag };
}
