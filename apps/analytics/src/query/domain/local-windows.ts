import type { AnalyticsWindow } from '@chargeflow/contracts';
import type { Span } from './range-decomposition';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True for a zone the IANA database (through ICU) knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The local wall clock at an instant, as the epoch milliseconds of the same reading in UTC. */
function wallClockAt(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instant))) parts[part.type] = Number(part.value);
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second, instant % 1000);
}

function offsetAt(instant: number, timeZone: string): number {
  return wallClockAt(instant, timeZone) - instant;
}

/**
 * The instant a wall-clock reading happens: the earlier one when a fall-back repeats it, and when a
 * spring-forward skips it, the instant the clock jumps past it (so a skipped midnight starts the day
 * at the jump).
 */
function instantOfWallClock(wall: number, timeZone: string): number {
  const offsets = [offsetAt(wall - DAY_MS, timeZone), offsetAt(wall + DAY_MS, timeZone)];
  const readings = offsets
    .map((offset) => wall - offset)
    .filter((instant) => offsetAt(instant, timeZone) === wall - instant);
  return readings.length > 0 ? Math.min(...readings) : wall - offsets[0];
}

/** The local start of the window that contains an instant. */
function windowStartAt(instant: number, window: AnalyticsWindow, timeZone: string): number {
  const wall = new Date(wallClockAt(instant, timeZone));
  const [year, month, day] = [wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate()];
  switch (window) {
    case 'HOUR':
      return instant - (wall.getUTCMinutes() * 60_000 + wall.getUTCSeconds() * 1000 + wall.getUTCMilliseconds());
    case 'DAY':
      return instantOfWallClock(Date.UTC(year, month, day), timeZone);
    case 'WEEK':
      return instantOfWallClock(Date.UTC(year, month, day - ((wall.getUTCDay() + 6) % 7)), timeZone);
    case 'MONTH':
      return instantOfWallClock(Date.UTC(year, month, 1), timeZone);
  }
}

/** The local start of the window after the one starting at `start`. */
function nextWindowStart(start: number, window: AnalyticsWindow, timeZone: string): number {
  if (window === 'HOUR') {
    // An hour later by the clock of the world, put back on the local hour if the offset moved by a fraction of one.
    const next = windowStartAt(start + HOUR_MS, 'HOUR', timeZone);
    return next > start ? next : start + HOUR_MS;
  }
  const wall = new Date(wallClockAt(start, timeZone));
  const [year, month, day] = [wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate()];
  const nextWall =
    window === 'DAY'
      ? Date.UTC(year, month, day + 1)
      : window === 'WEEK'
        ? Date.UTC(year, month, day + 7)
        : Date.UTC(year, month + 1, 1);
  return instantOfWallClock(nextWall, timeZone);
}

/**
 * The local windows of `timeZone` that meet [from, to), each clipped to it, oldest first; null when
 * there would be more than `limit`. Windows start on local boundaries, so a Berlin day is 23 hours in
 * March and 25 in October, and a Kolkata or Kathmandu day starts at :30 or :15 past a UTC hour.
 */
export function localWindows(span: Span, window: AnalyticsWindow, timeZone: string, limit: number): Span[] | null {
  const windows: Span[] = [];
  for (let start = windowStartAt(span.start, window, timeZone); start < span.end;) {
    if (windows.length === limit) return null;
    const next = nextWindowStart(start, window, timeZone);
    windows.push({ start: Math.max(start, span.start), end: Math.min(next, span.end) });
    start = next;
  }
  return windows;
}
