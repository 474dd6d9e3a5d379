// The node-disruption window: the HCO annotation platform.kubevirt.io/node-disruption-window,
// e.g. "Sat,Sun 01:00-05:00 UTC", outside of which node-disrupting changes wait.
//   [days] HH:MM-HH:MM ZONE
//   days: Mon..Sun, comma-separated, each a day or a range (Mon-Fri, Fri-Mon wraps); omitted:
//         every day. A window that crosses midnight (22:00-02:00) belongs to the day it starts on.
//   ZONE: required — UTC, an IANA name (Europe/Paris, answered by Intl, DST included) or ±HH:MM.
// Parsing never throws: a malformed value is an error message (the caller says it once and
// treats it as no window).
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const MAX_TEXT = 200;
const DAY_MINUTES = 1440;

export interface DisruptionWindow {
  /** The text as given (for messages). */
  text: string;
  /** Day indexes, 0 = Monday. */
  days: ReadonlySet<number>;
  /** Minutes after local midnight; end may be ≤ start (crosses midnight), 1440 = 24:00. */
  start: number;
  end: number;
  /** 'UTC', an IANA name, or a fixed offset in minutes east of UTC. */
  zone: string | number;
}

export type WindowParse = { window: DisruptionWindow } | { error: string };

function parseDays(s: string): Set<number> | string {
  const out = new Set<number>();
  for (const part of s.split(',')) {
    const [a, b, extra] = part.trim().toLowerCase().split('-');
    const from = DAYS.indexOf(a as (typeof DAYS)[number]);
    const to = b === undefined ? from : DAYS.indexOf(b as (typeof DAYS)[number]);
    if (extra !== undefined || from < 0 || to < 0) return `"${part.trim()}" is not a day or a day range (Mon..Sun, e.g. Sat,Sun or Mon-Fri)`;
    for (let d = from; ; d = (d + 1) % 7) {
      out.add(d);
      if (d === to) break;
    }
  }
  return out;
}

function parseClock(s: string, allow24: boolean): number | undefined {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(s);
  if (!m) return undefined;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  if (minutes > DAY_MINUTES || (minutes === DAY_MINUTES && !allow24)) return undefined;
  return minutes;
}

function parseZone(s: string): string | number | undefined {
  if (/^utc$/i.test(s) || s === 'Z') return 'UTC';
  const off = /^([+-])(\d{2}):(\d{2})$/.exec(s);
  if (off) {
    const minutes = Number(off[2]) * 60 + Number(off[3]);
    if (Number(off[2]) > 14 || Number(off[3]) > 59) return undefined;
    return off[1] === '-' ? -minutes : minutes;
  }
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/.test(s)) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: s }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

export function parseWindow(raw: string): WindowParse {
  const text = raw.trim();
  const usage = 'expected "[days] HH:MM-HH:MM ZONE", e.g. "Sat,Sun 01:00-05:00 UTC"';
  if (text.length > MAX_TEXT) return { error: `longer than ${MAX_TEXT} characters; ${usage}` };
  const parts = text.split(/\s+/);
  if (parts.length < 2 || parts.length > 3) return { error: `"${text}": ${usage}` };
  const [range, zoneText] = parts.slice(-2) as [string, string];
  let days: Set<number> = new Set([0, 1, 2, 3, 4, 5, 6]);
  if (parts.length === 3) {
    const d = parseDays(parts[0] as string);
    if (typeof d === 'string') return { error: `${d}; ${usage}` };
    days = d;
  }
  const [a, b, extra] = range.split('-');
  const start = a === undefined ? undefined : parseClock(a, false);
  const end = b === undefined ? undefined : parseClock(b, true);
  if (extra !== undefined || start === undefined || end === undefined) return { error: `"${range}" is not a time range HH:MM-HH:MM (24-hour); ${usage}` };
  if (start === end) return { error: `"${range}" is an empty time range; ${usage}` };
  const zone = parseZone(zoneText);
  if (zone === undefined) return { error: `"${zoneText}" is not a time zone (UTC, an IANA name such as Europe/Paris, or an offset such as +02:00); ${usage}` };
  return { window: { text, days, start, end: end === DAY_MINUTES ? 0 : end, zone } };
}

/** Local weekday (0 = Monday) and minute of the day at `now` in the window's zone. */
function localClock(zone: string | number, now: number): { day: number; minute: number } {
  if (typeof zone === 'number') {
    const d = new Date(now + zone * 60_000);
    return { day: (d.getUTCDay() + 6) % 7, minute: d.getUTCHours() * 60 + d.getUTCMinutes() };
  }
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(
    new Date(now),
  );
  const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? '';
  return { day: DAYS.indexOf(get('weekday').toLowerCase() as (typeof DAYS)[number]), minute: (Number(get('hour')) % 24) * 60 + Number(get('minute')) };
}

/** Whether local (day, minute) falls in the window. */
function inWindow(w: DisruptionWindow, day: number, minute: number): boolean {
  const end = w.end === 0 ? DAY_MINUTES : w.end;
  if (w.start < end) return w.days.has(day) && minute >= w.start && minute < end;
  // Crosses midnight: the late part of a listed day, or the early part of the day after one.
  return (w.days.has(day) && minute >= w.start) || (w.days.has((day + 6) % 7) && minute < w.end);
}

export function windowOpen(w: DisruptionWindow, now: number): boolean {
  const { day, minute } = localClock(w.zone, now);
  return inWindow(w, day, minute);
}

/**
 * Milliseconds until the window next opens (0 when open). Counted on the local wall clock, so
 * across a DST change it may be off by the shift: callers re-check when they wake.
 */
export function msUntilOpen(w: DisruptionWindow, now: number): number {
  const { day, minute } = localClock(w.zone, now);
  if (inWindow(w, day, minute)) return 0;
  for (let ahead = 0; ahead <= 7; ahead++) {
    const d = (day + ahead) % 7;
    const delta = ahead * DAY_MINUTES + w.start - minute;
    if (w.days.has(d) && delta > 0) return delta * 60_000 - (now % 60_000);
  }
  return 7 * DAY_MINUTES * 60_000;
}

/** "13h", "45m", "2d 3h": how long until the window opens, for messages. */
export function describeWait(ms: number): string {
  const minutes = Math.ceil(ms / 60_000);
  const d = Math.floor(minutes / DAY_MINUTES);
  const h = Math.floor((minutes % DAY_MINUTES) / 60);
  const m = minutes % 60;
  if (d) return h ? `${d}d ${h}h` : `${d}d`;
  if (h) return m ? `${h}h ${m}m` : `${h}h`;
  return `${m}m`;
}
