import type { DayOfWeek } from './tariff';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** What tariff restrictions read of an instant, in the pricing time zone. */
export interface LocalTime {
  /** "YYYY-MM-DD" */
  date: string;
  /** Whole minutes since local midnight: restrictions are on whole minutes. */
  minuteOfDay: number;
  dayOfWeek: DayOfWeek;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'long',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: string;
}

function wallClockAt(epochMs: number, timeZone: string): WallClock {
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(new Date(epochMs))
      .map((part) => [part.type, part.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: parts.weekday.toUpperCase(),
  };
}

export function localTimeAt(epochMs: number, timeZone: string): LocalTime {
  const wall = wallClockAt(epochMs, timeZone);
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return {
    date: `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}`,
    minuteOfDay: wall.hour * 60 + wall.minute,
    dayOfWeek: wall.weekday as DayOfWeek,
  };
}

/** Local minus UTC at an instant, in ms; zones have changed offset only on whole seconds. */
export function utcOffsetMsAt(epochMs: number, timeZone: string): number {
  const wall = wallClockAt(epochMs, timeZone);
  const wholeSecond = Math.floor(epochMs / 1000) * 1000;
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second) - wholeSecond;
}

/**
 * The instants in (fromMs, toMs) where the local wall clock reaches one of `wallMinutes` (minutes
 * since local midnight), plus every UTC-offset change (a DST jump can skip over or repeat a window).
 *
 * Resolution: the offset is probed once a day and each change is bisected to the exact millisecond;
 * within a constant offset, wall-clock instants are computed exactly. The one assumption is that a
 * zone does not change its offset twice within a day, which no IANA zone does in practice; a session
 * cut at local edges has at least one period a day, so the probing grows with its periods.
 */
export function wallClockBoundaries(
  fromMs: number,
  toMs: number,
  timeZone: string,
  wallMinutes: readonly number[],
): number[] {
  const boundaries = new Set<number>();
  let segmentStart = fromMs;
  while (segmentStart < toMs) {
    const offset = utcOffsetMsAt(segmentStart, timeZone);
    const segmentEnd = nextOffsetChange(segmentStart, toMs, offset, timeZone) ?? toMs;
    for (const instant of wallMinuteInstants(segmentStart, segmentEnd, offset, wallMinutes)) boundaries.add(instant);
    if (segmentEnd < toMs) boundaries.add(segmentEnd);
    segmentStart = segmentEnd;
  }
  return [...boundaries].sort((a, b) => a - b);
}

function nextOffsetChange(fromMs: number, toMs: number, offset: number, timeZone: string): number | null {
  for (let probe = fromMs; probe < toMs;) {
    const next = Math.min(probe + DAY_MS, toMs);
    if (utcOffsetMsAt(next, timeZone) !== offset) return firstInstantOffFrom(probe, next, offset, timeZone);
    probe = next;
  }
  return null;
}

/** Bisects (lo, hi] for the first millisecond whose offset differs from `offset`; lo has it, hi has not. */
function firstInstantOffFrom(lo: number, hi: number, offset: number, timeZone: string): number {
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (utcOffsetMsAt(mid, timeZone) === offset) lo = mid;
    else hi = mid;
  }
  return hi;
}

function wallMinuteInstants(fromMs: number, toMs: number, offset: number, wallMinutes: readonly number[]): number[] {
  const instants: number[] = [];
  const firstDay = Math.floor((fromMs + offset) / DAY_MS);
  const lastDay = Math.floor((toMs + offset) / DAY_MS);
  for (let day = firstDay; day <= lastDay; day++) {
    for (const minute of wallMinutes) {
      const instant = day * DAY_MS + minute * MINUTE_MS - offset;
      if (instant > fromMs && instant < toMs) instants.push(instant);
    }
  }
  return instants;
}
