import { WEEKDAYS, type Weekday, weekdayFrom } from './oruk-normalise.js';

/**
 * Reads opening hours as people write them ("Mon-Fri: 6:30am-10:00pm, Sat-Sun: 8am-6pm",
 * "Tuesdays, Wednesdays and Fridays, 10am-2pm", "third Wednesday of each month") into
 * ORUK schedules. Whatever it cannot read stays in the description, so nothing is lost;
 * the demo seed uses it on the open data, and importers could too.
 */

export type ParsedSchedule = {
  freq: 'WEEKLY' | 'MONTHLY';
  byday: string;
  opens_at?: string;
  closes_at?: string;
};

const DAY =
  /\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues|tue|wed|thurs|thur|thu|fri|sat|sun)s?\b|\b(weekends?|weekdays|every day|daily)\b/g;
const TIME = String.raw`(\d{1,2})(?:[.:](\d{2}))?\s*(am|pm)?`;
const RANGE = new RegExp(String.raw`${TIME}\s*(?:-|–|—|to|until)\s*${TIME}`, 'g');
const AT = /\bat\s+(\d{1,2})(?:[.:](\d{2}))?\s*(am|pm)\b/g;
const ORDINAL =
  /\b(first|1st|second|2nd|third|3rd|fourth|4th|last)\s+(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues|tue|wed|thurs|thu|fri|sat|sun)\s+of\s+(?:each|every|the)\s+month\b/;
const ORDINAL_NUMBER: Record<string, string> = {
  first: '1',
  '1st': '1',
  second: '2',
  '2nd': '2',
  third: '3',
  '3rd': '3',
  fourth: '4',
  '4th': '4',
  last: '-1',
};

type Clock = { hour: number; minute: number; meridiem: 'am' | 'pm' | null };

function to24(c: Clock, meridiem: 'am' | 'pm' | null): number | null {
  const m = c.meridiem ?? meridiem;
  if (m === null) return c.hour <= 24 ? c.hour * 60 + c.minute : null;
  if (c.hour < 1 || c.hour > 12) return null;
  const h = m === 'am' ? c.hour % 12 : (c.hour % 12) + 12;
  return h * 60 + c.minute;
}

function hhmmss(minutes: number): string {
  const h = Math.floor(minutes / 60) % 24;
  return `${String(h).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:00`;
}

function clock(hour: string | undefined, minute: string | undefined, meridiem: string | undefined): Clock {
  return {
    hour: Number(hour),
    minute: Number(minute ?? 0),
    meridiem: meridiem === 'am' || meridiem === 'pm' ? meridiem : null,
  };
}

/** "9.30-11.30am" is 9:30am to 11:30am, "7-9pm" is 7pm to 9pm, "9-5pm" is 9am to 5pm. */
function range(start: Clock, end: Clock): { opens: number; closes: number } | null {
  const twentyFour = start.meridiem === null && end.meridiem === null;
  if (twentyFour) {
    const opens = to24(start, null);
    const closes = to24(end, null);
    return opens !== null && closes !== null && closes > opens ? { opens, closes } : null;
  }
  const closes = to24(end, end.meridiem);
  if (closes === null) return null;
  let opens = to24(start, start.meridiem ?? end.meridiem);
  if (opens !== null && opens >= closes && start.meridiem === null) opens = to24(start, 'am');
  return opens !== null && opens < closes ? { opens, closes } : null;
}

type Mention = { at: number; end: number; days: Weekday[] };

function dayMentions(text: string): Mention[] {
  const found: Mention[] = [];
  for (const m of text.matchAll(DAY)) {
    const word = m[0];
    let days: Weekday[];
    if (m[2]) {
      days = /weekend/.test(word)
        ? ['SA', 'SU']
        : /weekday/.test(word)
          ? ['MO', 'TU', 'WE', 'TH', 'FR']
          : [...WEEKDAYS];
    } else {
      const d = weekdayFrom(m[1] as string);
      if (!d) continue;
      days = [d];
    }
    found.push({ at: m.index, end: m.index + word.length, days });
  }
  // "Monday to Friday", "Mon-Fri": two days joined by a dash or "to" are the days between.
  const merged: Mention[] = [];
  for (const m of found) {
    const prev = merged.at(-1);
    const between = prev ? text.slice(prev.end, m.at) : '';
    if (prev && prev.days.length === 1 && m.days.length === 1 && /^\s*(?:-|–|to|until)\s*$/.test(between)) {
      const from = WEEKDAYS.indexOf(prev.days[0] as Weekday);
      const to = WEEKDAYS.indexOf(m.days[0] as Weekday);
      prev.days =
        from <= to ? WEEKDAYS.slice(from, to + 1) : [...WEEKDAYS.slice(from), ...WEEKDAYS.slice(0, to + 1)];
      prev.end = m.end;
    } else merged.push({ ...m });
  }
  return merged;
}

function byday(days: Weekday[]): string {
  return WEEKDAYS.filter((d) => days.includes(d)).join(',');
}

/** Schedules read from free text; empty when no day can be made out. */
export function parseOpeningHours(input: string): ParsedSchedule[] {
  const text = input
    .toLowerCase()
    .replace(/\b12\s*noon\b|\bnoon\b|\bmidday\b/g, '12pm')
    .replace(/(\d)\s*(am|pm)\b/g, '$1$2');
  const ordinal = ORDINAL.exec(text);
  const times: { at: number; end: number; opens: number; closes: number | null }[] = [];
  for (const m of text.matchAll(RANGE)) {
    // A range needs am/pm or a colon time, so "aged 13 to 25" is not read as hours.
    if (!m[3] && !m[6] && !(m[2] && m[5])) continue;
    const r = range(clock(m[1], m[2], m[3]), clock(m[4], m[5], m[6]));
    if (r) times.push({ at: m.index, end: m.index + m[0].length, ...r });
  }
  for (const m of text.matchAll(AT)) {
    const opens = to24(clock(m[1], m[2], m[3]), null);
    if (opens !== null) times.push({ at: m.index, end: m.index + m[0].length, opens, closes: null });
  }
  times.sort((a, b) => a.at - b.at);

  if (ordinal) {
    const day = weekdayFrom(ordinal[2] as string);
    if (!day) return [];
    const t = times[0];
    return [
      {
        freq: 'MONTHLY',
        byday: `${ORDINAL_NUMBER[ordinal[1] as string]}${day}`,
        ...(t ? { opens_at: hhmmss(t.opens) } : {}),
        ...(t?.closes ? { closes_at: hhmmss(t.closes) } : {}),
      },
    ];
  }

  const mentions = dayMentions(text);
  const out: ParsedSchedule[] = [];
  let cursor = 0;
  let lastDays: Weekday[] = [];
  for (const t of times) {
    const days = mentions.filter((m) => m.at >= cursor && m.end <= t.at).flatMap((m) => m.days);
    if (days.length) lastDays = days;
    cursor = t.end;
    if (!lastDays.length) continue;
    out.push({
      freq: 'WEEKLY',
      byday: byday(lastDays),
      opens_at: hhmmss(t.opens),
      ...(t.closes !== null ? { closes_at: hhmmss(t.closes) } : {}),
    });
  }
  const trailing = mentions.filter((m) => m.at >= cursor).flatMap((m) => m.days);
  if (trailing.length) out.push({ freq: 'WEEKLY', byday: byday(trailing) });
  return out;
}
