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

// ---------------------------------------------------------------------------------------------
// Facility uses (bookable spaces) and their slots

const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

export const spaceUrl = (u: Urls, slug: string) => `${placeUrl(u)}/spaces/${slug}`;
export const facilityUseId = (u: Urls, slug: string) => `${spaceUrl(u, slug)}#facility-use`;
/** Kith's kinds of space as a SKOS concept scheme, for `facilityType`. */
export const facilityTypesUrl = (u: Urls) => `${placeUrl(u)}/api/openactive/facility-types`;

/** The concept scheme behind `facilityType`: Kith's kinds of space (rooms and halls, not courts). */
export function facilityTypeList(u: Urls, kinds: readonly string[], t: Translate) {
  return {
    '@context': 'https://openactive.io/',
    '@type': 'ConceptScheme',
    '@id': facilityTypesUrl(u),
    title: t('spaces.feeds.facilityTypesTitle', { place: u.place.name }),
    description: t('spaces.feeds.facilityTypesDescription'),
    license: OA_LICENSE,
    url: facilityTypesUrl(u),
    concept: kinds.map((k) => ({
      id: `${facilityTypesUrl(u)}#${k}`,
      type: 'Concept',
      prefLabel: t(`spaces.spaces.kinds.${k}`),
      topConceptOf: facilityTypesUrl(u),
    })),
  };
}

type PriceLike = { hirerType: string; pencePerHour: number };

/** Pence to pounds for `price`: exact, since a whole number of pence over 100 prints as itself. */
const pounds = (pence: number) => pence / 100;

function offersOf(u: Urls, slug: string, prices: readonly PriceLike[], minutes: number, t: Translate) {
  return prices.map((p) => {
    const pence = Math.round((p.pencePerHour * minutes) / 60);
    return {
      '@type': 'Offer',
      '@id': `${facilityUseId(u, slug)}-offer-${p.hirerType}`,
      identifier: p.hirerType,
      name: t('spaces.feeds.offerName', {
        hirer: t(`spaces.spaces.hirers.${p.hirerType}`),
        minutes,
      }),
      price: pounds(pence),
      priceCurrency: 'GBP',
      url: `${spaceUrl(u, slug)}/book`,
    };
  });
}

export type FacilitySpaceLike = {
  id: string;
  slug: string;
  name: string;
  description: string;
  kind: string;
  accessibility: string[];
  address: string;
  postcode: string | null;
  wardName: string | null;
  lon: number | null;
  lat: number | null;
  hours: { weekday: number; opens: string; closes: string }[];
  prices: PriceLike[];
};

/** A FacilityUse: one bookable space, where it is, who provides it, when it opens, what it costs an hour. */
export function facilityUse(u: Urls, s: FacilitySpaceLike, t: Translate) {
  const url = spaceUrl(u, s.slug);
  return {
    '@context': OA_CONTEXT,
    '@type': 'FacilityUse',
    '@id': facilityUseId(u, s.slug),
    identifier: s.id,
    name: s.name,
    ...(s.description ? { description: s.description } : {}),
    url,
    provider: { '@type': 'Organization', '@id': placeUrl(u), name: u.place.name, url: placeUrl(u) },
    facilityType: [
      {
        '@type': 'Concept',
        '@id': `${facilityTypesUrl(u)}#${s.kind}`,
        prefLabel: t(`spaces.spaces.kinds.${s.kind}`),
        inScheme: facilityTypesUrl(u),
      },
    ],
    location: {
      '@type': 'Place',
      '@id': url,
      identifier: s.id,
      name: s.name,
      url,
      address: {
        '@type': 'PostalAddress',
        streetAddress: s.address || s.name,
        addressLocality: s.wardName ?? u.place.name,
        addressRegion: u.place.name,
        ...(s.postcode ? { postalCode: s.postcode } : {}),
        addressCountry: 'GB',
      },
      ...(s.lat !== null && s.lon !== null
        ? { geo: { '@type': 'GeoCoordinates', latitude: s.lat, longitude: s.lon } }
        : {}),
    },
    ...(s.hours.length
      ? {
          hoursAvailable: s.hours.map((h) => ({
            '@type': 'OpeningHoursSpecification',
            dayOfWeek: [`https://schema.org/${WEEKDAY_NAMES[h.weekday - 1]}`],
            opens: h.opens,
            closes: h.closes,
          })),
        }
      : {}),
    ...(s.accessibility.length
      ? {
          accessibilityInformation: s.accessibility
            .map((a) => t(`spaces.spaces.accessibility.${a}`))
            .join(', '),
        }
      : {}),
    offers: offersOf(u, s.slug, s.prices, 60, t),
  };
}

/** A Slot: one hour of a facility use, free (remainingUses 1) or taken (0), with its prices. */
export function facilitySlot(
  u: Urls,
  s: { id: string; spaceSlug: string; start: Date; end: Date; remainingUses: number; prices: PriceLike[] },
  week: string,
  t: Translate,
) {
  const minutes = Math.round((s.end.getTime() - s.start.getTime()) / 60_000);
  return {
    '@context': OA_CONTEXT,
    '@type': 'Slot',
    // The week's availability page shows this hour, so the id is a page a person can open.
    '@id': `${spaceUrl(u, s.spaceSlug)}/availability?week=${week}#slot-${s.id}`,
    identifier: s.id,
    facilityUse: facilityUseId(u, s.spaceSlug),
    startDate: isoSeconds(s.start),
    endDate: isoSeconds(s.end),
    duration: duration(s.start, s.end),
    remainingUses: s.remainingUses,
    maximumUses: 1,
    offers: offersOf(u, s.spaceSlug, s.prices, minutes, t),
  };
}
