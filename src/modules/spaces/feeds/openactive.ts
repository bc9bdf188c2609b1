import type { Translate } from '../../../platform/i18n/i18n.js';
import type { Place } from '../../../platform/places/place-service.js';
import type { Activity } from '../activities/activity-service.js';
import { londonWall, timeLabel } from '../activities/activity-time.js';

/** OpenActive (Modelling Opportunity Data 2.0) shapes for Kith's activities and sessions. */
export const OA_CONTEXT = ['https://openactive.io/', 'https://openactive.io/ns-beta'];
export const OA_LICENSE = 'https://creativecommons.org/licenses/by/4.0/';
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** ISO 8601 in UTC without milliseconds, as OpenActive's validator wants. */
const isoSeconds = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** An ISO 8601 duration such as PT1H30M. */
function duration(from: Date, to: Date): string {
  const minutes = Math.round((to.getTime() - from.getTime()) / 60_000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `PT${h ? `${h}H` : ''}${m || !h ? `${m}M` : ''}`;
}

export type Urls = { base: string; place: Place };

const placeUrl = (u: Urls) => `${u.base}/${u.place.slug}`;
export const activityUrl = (u: Urls, id: string) => `${placeUrl(u)}/whats-on/activities/${id}`;
export const sessionUrl = (u: Urls, activityId: string, id: string) =>
  `${activityUrl(u, activityId)}#session-${id}`;
/** Kith's own activity list (a SKOS concept scheme of its categories), published beside the feeds. */
export const activityListUrl = (u: Urls) => `${placeUrl(u)}/api/openactive/activity-list`;

/** The concept scheme behind `activity`: Kith's categories, since most are not sports. */
export function activityList(u: Urls, categories: readonly string[], t: Translate) {
  return {
    '@context': 'https://openactive.io/',
    '@type': 'ConceptScheme',
    '@id': activityListUrl(u),
    title: t('spaces.feeds.activityListTitle', { place: u.place.name }),
    description: t('spaces.feeds.activityListDescription'),
    license: OA_LICENSE,
    url: activityListUrl(u),
    // The keys OpenActive's own activity list uses ("id", "type"), which its tools read.
    concept: categories.map((c) => ({
      id: `${activityListUrl(u)}#${c}`,
      type: 'Concept',
      prefLabel: t(`spaces.activities.categories.${c}`),
      topConceptOf: activityListUrl(u),
    })),
  };
}

function weeklySchedule(a: Activity, first: { startsAt: Date; endsAt: Date } | null) {
  if (!a.rrule || !first) return null;
  const count = /COUNT=(\d+)/.exec(a.rrule)?.[1];
  const wall = new Date(londonWall(first.startsAt));
  return {
    '@type': 'PartialSchedule',
    repeatFrequency: 'P1W',
    byDay: [`https://schema.org/${DAY_NAMES[wall.getUTCDay()]}`],
    startDate: wall.toISOString().slice(0, 10),
    startTime: timeLabel(first.startsAt),
    endTime: timeLabel(first.endsAt),
    scheduleTimezone: 'Europe/London',
    ...(count ? { repeatCount: Number(count) } : {}),
  };
}

/** A SessionSeries: what the activity is, where, by whom, for whom, and for how much. */
export function sessionSeries(
  u: Urls,
  a: Activity,
  first: { id: string; startsAt: Date; endsAt: Date } | null,
  categoryLabel: string,
) {
  const url = activityUrl(u, a.id);
  const free = a.costPence === 0;
  const schedule = weeklySchedule(a, first);
  return {
    '@context': OA_CONTEXT,
    '@type': 'SessionSeries',
    '@id': url,
    identifier: a.id,
    name: a.title,
    ...(a.description ? { description: a.description } : {}),
    url,
    activity: [
      {
        '@type': 'Concept',
        '@id': `${activityListUrl(u)}#${a.category}`,
        prefLabel: categoryLabel,
        inScheme: activityListUrl(u),
      },
    ],
    organizer: a.group
      ? {
          '@type': 'Organization',
          '@id': `${placeUrl(u)}/groups/${a.group.slug}`,
          name: a.group.name,
          url: `${placeUrl(u)}/groups/${a.group.slug}`,
        }
      : { '@type': 'Organization', '@id': placeUrl(u), name: u.place.name, url: placeUrl(u) },
    location: {
      '@type': 'Place',
      '@id': `${placeUrl(u)}/spaces/${a.space.slug}`,
      identifier: a.space.id,
      name: a.space.name,
      url: `${placeUrl(u)}/spaces/${a.space.slug}`,
      address: {
        '@type': 'PostalAddress',
        streetAddress: a.space.address || a.space.name,
        addressLocality: a.space.wardName ?? u.place.name,
        addressRegion: u.place.name,
        ...(a.space.postcode ? { postalCode: a.space.postcode } : {}),
        addressCountry: 'GB',
      },
      ...(a.space.lat !== null && a.space.lon !== null
        ? { geo: { '@type': 'GeoCoordinates', latitude: a.space.lat, longitude: a.space.lon } }
        : {}),
    },
    offers: [
      {
        '@type': 'Offer',
        '@id': `${url}#offer`,
        identifier: 'standard',
        name: free ? 'Free' : 'One session',
        price: a.costPence / 100,
        priceCurrency: 'GBP',
      },
    ],
    isAccessibleForFree: free,
    ...(a.ageMin !== null || a.ageMax !== null
      ? {
          ageRange: {
            '@type': 'QuantitativeValue',
            ...(a.ageMin !== null ? { minValue: a.ageMin } : {}),
            ...(a.ageMax !== null ? { maxValue: a.ageMax } : {}),
          },
        }
      : {}),
    ...(a.accessibility.length ? { accessibilityInformation: a.accessibility.join(', ') } : {}),
    ...(schedule
      ? { eventSchedule: [schedule] }
      : first
        ? {
            subEvent: [
              {
                '@type': 'ScheduledSession',
                '@id': sessionUrl(u, a.id, first.id),
                identifier: first.id,
                startDate: isoSeconds(first.startsAt),
                endDate: isoSeconds(first.endsAt),
                duration: duration(first.startsAt, first.endsAt),
              },
            ],
          }
        : {}),
  };
}

/** A ScheduledSession: one dated occurrence, pointing at its series. */
export function scheduledSession(
  u: Urls,
  s: { id: string; activityId: string; startsAt: Date; endsAt: Date; cancelled: boolean },
) {
  return {
    '@context': OA_CONTEXT,
    '@type': 'ScheduledSession',
    '@id': sessionUrl(u, s.activityId, s.id),
    identifier: s.id,
    superEvent: activityUrl(u, s.activityId),
    startDate: isoSeconds(s.startsAt),
    endDate: isoSeconds(s.endsAt),
    duration: duration(s.startsAt, s.endsAt),
    eventStatus: s.cancelled ? 'https://schema.org/EventCancelled' : 'https://schema.org/EventScheduled',
  };
}
