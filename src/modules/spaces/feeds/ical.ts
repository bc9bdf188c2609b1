import ical from 'ical-generator';
import type { Session } from '../activities/activity-service.js';

/**
 * An iCalendar feed of sessions. Every time is written in UTC (with a Z), which is exact on both
 * sides of a clock change and needs no VTIMEZONE; calendar apps show it on the reader's clock.
 * Each session is its own event, so a cancelled week is simply STATUS:CANCELLED.
 */
export function calendarOf(
  sessions: Session[],
  options: { name: string; host: string; baseUrl: string; placeSlug: string },
): string {
  const cal = ical({
    name: options.name,
    prodId: { company: 'Kith', product: 'whats-on', language: 'EN' },
    ttl: 60 * 60,
  });
  for (const s of sessions) {
    const a = s.activity;
    cal.createEvent({
      id: `${s.id}@${options.host}`,
      // A change bumps the counter, so calendar apps replace their copy.
      sequence: s.modified,
      stamp: a.updatedAt,
      start: s.startsAt,
      end: s.endsAt,
      summary: a.title,
      description: a.description || null,
      location: [a.space.name, a.space.address, a.space.postcode].filter(Boolean).join(', '),
      url: `${options.baseUrl}/${options.placeSlug}/whats-on/activities/${a.id}`,
      status: s.cancelled ? 'CANCELLED' : 'CONFIRMED',
    } as Parameters<typeof cal.createEvent>[0]);
  }
  return cal.toString();
}
