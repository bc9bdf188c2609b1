import type { Translate } from '../../../platform/i18n/i18n.js';
import { daysOf, isObject, type Json, WEEKDAYS } from './oruk-normalise.js';

/**
 * A service's ORUK object in words for its page: when it runs, where, how to get in touch,
 * what it costs and who it is for. Only presentation; nothing here is stored.
 */

const asList = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/** "9:30am", "2pm", "12 noon". */
export function clockTime(time: string, t: Translate): string {
  const m = /^(\d{2}):(\d{2})/.exec(time);
  if (!m) return time;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h === 12 && min === 0) return t('directory.oruk.time.noon');
  if (h === 0 && min === 0) return t('directory.oruk.time.midnight');
  const hour12 = h % 12 === 0 ? 12 : h % 12;
  const suffix = h < 12 ? 'am' : 'pm';
  return `${hour12}${min ? `:${String(min).padStart(2, '0')}` : ''}${suffix}`;
}

function joinList(items: string[], t: Translate): string {
  if (items.length <= 1) return items.join('');
  return t('directory.oruk.andList', { items: items.slice(0, -1).join(', '), last: items.at(-1) as string });
}

const ORDINALS: Record<string, string> = {
  '1': 'first',
  '2': 'second',
  '3': 'third',
  '4': 'fourth',
  '-1': 'last',
};

/** One schedule as a sentence, e.g. "Tuesdays and Fridays, 10am to 2pm". */
export function describeSchedule(s: Json, t: Translate): string {
  const parts: string[] = [];
  const byday = str(s.byday);
  const monthly = str(s.freq) === 'MONTHLY';
  const ordinal = /^([+-]?\d)(MO|TU|WE|TH|FR|SA|SU)$/.exec(byday);
  if (monthly && ordinal && ORDINALS[(ordinal[1] as string).replace('+', '')]) {
    parts.push(
      t('directory.oruk.schedule.monthly', {
        ordinal: t(`directory.oruk.ordinals.${ORDINALS[(ordinal[1] as string).replace('+', '')]}`),
        day: t(`directory.oruk.days.${ordinal[2]}`),
      }),
    );
  } else {
    const days = daysOf(byday);
    if (days.length === 7) parts.push(t('directory.oruk.schedule.everyDay'));
    else if (days.length) {
      // Runs of three or more weekdays read better as a range: "Monday to Friday".
      const idx = days.map((d) => WEEKDAYS.indexOf(d));
      const consecutive = idx.every((v, i) => i === 0 || v === (idx[i - 1] as number) + 1);
      parts.push(
        consecutive && days.length >= 3
          ? t('directory.oruk.schedule.range', {
              from: t(`directory.oruk.days.${days[0]}`),
              to: t(`directory.oruk.days.${days.at(-1)}`),
            })
          : joinList(
              days.map((d) => t(`directory.oruk.daysPlural.${d}`)),
              t,
            ),
      );
    }
    if (str(s.interval) === '2') parts.push(t('directory.oruk.schedule.fortnightly'));
  }
  const opens = str(s.opens_at);
  const closes = str(s.closes_at);
  if (opens && closes)
    parts.push(t('directory.oruk.schedule.times', { from: clockTime(opens, t), to: clockTime(closes, t) }));
  else if (opens) parts.push(t('directory.oruk.schedule.from', { from: clockTime(opens, t) }));
  const sentence = parts.join(', ');
  return sentence || str(s.description);
}

export type ServiceView = {
  organization: { name: string; description: string; website: string } | null;
  addresses: { name: string; lines: string[]; mapHref: string | null }[];
  schedules: string[];
  /** The feed's own words about when, shown once if they add to the summaries. */
  scheduleNotes: string[];
  phones: { number: string; label: string }[];
  email: string;
  url: string;
  cost: string;
  ages: string;
  alert: string;
  accessibility: string[];
};

export function serviceView(service: Json, t: Translate): ServiceView {
  const organization = isObject(service.organization)
    ? {
        name: str(service.organization.name),
        description: str(service.organization.description),
        website: str(service.organization.website),
      }
    : null;
  const addresses = asList(service.service_at_locations).map((sal) => {
    const l = isObject(sal.location) ? sal.location : {};
    const a = asList(l.addresses)[0];
    const lines = a
      ? [str(a.address_1), str(a.address_2), str(a.city), str(a.postal_code)].filter(Boolean)
      : [];
    const lat = typeof l.latitude === 'number' ? l.latitude : null;
    const lon = typeof l.longitude === 'number' ? l.longitude : null;
    return {
      name: str(l.name),
      lines,
      mapHref:
        lat !== null && lon !== null
          ? `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=17/${lat}/${lon}`
          : null,
    };
  });
  const schedules = asList(service.schedules)
    .map((s) => describeSchedule(s, t))
    .filter(Boolean);
  const scheduleNotes = [
    ...new Set(
      asList(service.schedules)
        .flatMap((s) => [str(s.description), str(s.notes)])
        .filter(Boolean),
    ),
  ].filter((note) => !schedules.includes(note));
  const phones = asList(service.contacts).flatMap((c) =>
    asList(c.phones).map((p) => ({
      number: str(p.number),
      label: str(c.name) || str(c.title) || str(p.description),
    })),
  );
  const costs = asList(service.cost_options);
  const cost = costs
    .map((c) => {
      if (c.amount === 0) return t('directory.oruk.cost.free');
      const amount =
        typeof c.amount === 'number' ? `£${c.amount.toFixed(Number.isInteger(c.amount) ? 0 : 2)}` : '';
      return [str(c.option), amount, str(c.amount_description)].filter(Boolean).join(' – ');
    })
    .filter(Boolean)
    .join('. ');
  const min = typeof service.minimum_age === 'number' ? service.minimum_age : null;
  const max = typeof service.maximum_age === 'number' ? service.maximum_age : null;
  const ages =
    min !== null && max !== null
      ? t('directory.oruk.ages.between', { min, max })
      : min !== null
        ? t('directory.oruk.ages.from', { min })
        : max !== null
          ? t('directory.oruk.ages.upTo', { max })
          : '';
  const accessibility = asList(service.service_at_locations).flatMap((sal) =>
    isObject(sal.location)
      ? asList(sal.location.accessibility)
          .map((a) => str(a.accessibility) || str(a.description))
          .filter(Boolean)
      : [],
  );
  return {
    organization,
    addresses,
    schedules,
    scheduleNotes,
    phones,
    email: str(service.email),
    url: str(service.url),
    cost,
    ages,
    alert: str(service.alert),
    accessibility,
  };
}
