import { addDays } from '../../../lib/civil-date.js';
import { londonParts } from '../../../lib/london-clock.js';
import { CLEARED } from '../../../lib/street-notice/states.js';
import type { ServiceContext } from '../../../platform/http/request-context.js';
import type { Translate } from '../../../platform/i18n/i18n.js';
import {
  type NoticeRow,
  type PublicNotice,
  publicView,
  SELECT,
  toNotice,
} from '../notices/notice-service.js';
import type { Letter } from './letter-pdf.js';

/**
 * The public calendar: street events that can go ahead as things stand (going ahead, cleared
 * by the objection window, or approved) and are not over yet. Drafts, objected, refused,
 * stopped and withdrawn notifications never show; the organiser's name only if they agreed.
 */
export type EventFilters = {
  /** A ward's slug or GSS code. */
  ward: string | null;
  /** A notification type's slug. */
  type: string | null;
};

export async function listPublicEvents(
  ctx: ServiceContext,
  filters: EventFilters,
  options: { now?: Date; limit?: number; offset?: number } = {},
): Promise<{ items: PublicNotice[]; total: number }> {
  const where = [
    'n.place_id = $1',
    'n.status = any($2::text[])',
    'n.ends_at > $3',
    '($4::text is null or w.slug = $4 or n.ward_code = $4)',
    '($5::text is null or t.slug = $5)',
  ].join(' and ');
  const params = [ctx.place.id, [...CLEARED], options.now ?? new Date(), filters.ward, filters.type];
  const [rows, count] = await Promise.all([
    ctx.db.query<NoticeRow>(`${SELECT} where ${where} order by n.starts_at, n.reference limit $6 offset $7`, [
      ...params,
      options.limit ?? null,
      options.offset ?? 0,
    ]),
    ctx.db.query<{ n: number }>(
      `select count(*)::int as n from street_notices n
         join street_notice_types t on t.id = n.type_id
         left join wards w on w.place_id = n.place_id and w.code = n.ward_code
        where ${where}`,
      params,
    ),
  ]);
  return { items: rows.map((r) => publicView(toNotice(r))), total: count[0]?.n ?? 0 };
}

/** Events grouped by their first London day, in order (the agenda). */
export function byLondonDay<T extends { startsAt: Date | null }>(items: T[]): { day: string; items: T[] }[] {
  const days: { day: string; items: T[] }[] = [];
  for (const item of items) {
    if (!item.startsAt) continue;
    const day = londonParts(item.startsAt).date;
    const last = days.at(-1);
    if (last && last.day === day) last.items.push(item);
    else days.push({ day, items: [item] });
  }
  return days;
}

const LOCALE: Record<string, string> = { en: 'en-GB', cy: 'cy-GB' };

/** "Saturday 4 July 2026" on the London calendar (GOV.UK style: no comma after the day's name). */
export function londonDay(at: Date, lang: string): string {
  const parts = new Intl.DateTimeFormat(LOCALE[lang] ?? 'en-GB', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'Europe/London',
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('weekday')} ${part('day')} ${part('month')} ${part('year')}`;
}

/** When an event is on, in words: one day with its times, or from one day and time to another. */
export function whenText(
  n: { startsAt: Date | null; endsAt: Date | null },
  t: Translate,
  lang: string,
): string {
  if (!n.startsAt || !n.endsAt) return '';
  const start = londonParts(n.startsAt);
  const end = londonParts(n.endsAt);
  // An event ending at midnight ends on its own day, not at 00:00 the next.
  const endsAtMidnight = end.minutes === 0 && addDays(start.date, 1) === end.date;
  if (start.date === end.date || endsAtMidnight)
    return t('streets.events.when.sameDay', {
      date: londonDay(n.startsAt, lang),
      start: start.time,
      end: endsAtMidnight ? '24:00' : end.time,
    });
  return t('streets.events.when.days', {
    startDate: londonDay(n.startsAt, lang),
    start: start.time,
    endDate: londonDay(n.endsAt, lang),
    end: end.time,
  });
}

/** Where an event is, in words: the street and the stretch of it, and any description. */
export function whereText(
  n: Pick<PublicNotice, 'street' | 'fromPoint' | 'toPoint' | 'locationText'>,
  t: Translate,
) {
  const parts: string[] = [];
  if (n.street)
    parts.push(
      n.fromPoint && n.toPoint
        ? t('streets.events.where.stretch', { street: n.street, from: n.fromPoint, to: n.toPoint })
        : n.street,
    );
  if (n.locationText) parts.push(n.locationText);
  return parts.join('. ');
}

/** The neighbour letter's words for a notification, in the reader's language. */
export function letterFor(
  n: PublicNotice,
  options: { t: Translate; lang: string; placeName: string; publicPageUrl: string; now: Date },
): Letter {
  const { t, lang } = options;
  const L = 'streets.letter';
  const what = [n.description || n.typeName];
  if (n.expectedPeople) what.push(t(`${L}.people`, { people: n.expectedPeople }));
  if (n.organiserName) what.push(t(`${L}.organiser`, { name: n.organiserName }));
  return {
    title: n.title,
    caption: t(`${L}.caption`, { place: options.placeName }),
    intro: [t(`${L}.dear`), t(`${L}.intro`, { type: n.typeName.toLowerCase() })],
    sections: [
      { heading: t(`${L}.what`), paragraphs: what },
      { heading: t(`${L}.where`), paragraphs: [whereText(n, t)] },
      { heading: t(`${L}.when`), paragraphs: [whenText(n, t, lang)] },
      {
        heading: t(`${L}.road`),
        paragraphs: [t(n.roadClosure ? `${L}.roadClosed` : `${L}.roadOpen`)],
      },
    ],
    qr: {
      heading: t(`${L}.answerHeading`),
      text: t(`${L}.answerText`),
      url: options.publicPageUrl,
      alt: t(`${L}.qrAlt`, { url: options.publicPageUrl }),
    },
    footer: t(`${L}.footer`, {
      reference: n.reference,
      place: options.placeName,
      date: londonDay(options.now, lang),
    }),
    lang: lang === 'cy' ? 'cy-GB' : 'en-GB',
    author: options.placeName,
  };
}
