import ical from 'ical-generator';
import type { PublicNotice } from '../notices/notice-service.js';

/**
 * An iCalendar feed of public street events. Times are written in UTC (with a Z), exact on both
 * sides of a clock change; calendar apps show them on the reader's clock. Only public fields:
 * never the organiser's contact details, and their name only if they agreed.
 */
export function streetCalendar(
  events: PublicNotice[],
  options: {
    name: string;
    host: string;
    baseUrl: string;
    placeSlug: string;
    describe: (n: PublicNotice) => string;
  },
): string {
  const cal = ical({
    name: options.name,
    prodId: { company: 'Kith', product: 'street-events', language: 'EN' },
    ttl: 60 * 60,
  });
  for (const n of events) {
    if (!n.startsAt || !n.endsAt) continue;
    cal.createEvent({
      id: `${n.reference}@${options.host}`,
      stamp: n.notifiedAt ?? n.startsAt,
      start: n.startsAt,
      end: n.endsAt,
      summary: n.title,
      description: options.describe(n),
      location: [n.street, n.locationText, n.wardName].filter(Boolean).join(', '),
      url: `${options.baseUrl}/${options.placeSlug}/streets/events/${n.reference}`,
      status: 'CONFIRMED',
    } as Parameters<typeof cal.createEvent>[0]);
  }
  return cal.toString();
}
