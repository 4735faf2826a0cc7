import type { AnalyticsWindow } from '@chargeflow/contracts';
import type { Span } from './range-decomposition';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
const MARGIN_MS = 35 * DAY_MS;

/** No window is longer than this, whatever the zone's changes: a range this many times longer has too many. */
const LONGEST_MS: Record<AnalyticsWindow, number> = {
  HOUR: 2 * HOUR_MS,
  DAY: DAY_MS + 3 * HOUR_MS,
  WEEK: WEEK_MS + 3 * HOUR_MS,
  MONTH: 31 * DAY_MS + 3 * HOUR_MS,
};

/** Keyed by canonical zone names only, so it holds at most one formatter per IANA zone. */
const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The id ICU gives a zone ('eUrOpE/bErLiN' is 'Europe/Berlin'; links resolve to ICU's own id, which may
 * be an older name, 'Asia/Katmandu'), or null for a zone it does not know. Windows are computed with
 * this id, so a zone a client spells differently is not kept twice.
 */
export function canonicalTimeZone(timeZone: string): string | null {
  const known = canonicalNames.get(timeZone);
  if (known !== undefined) return known;
  let canonical: string | null;
  try {
    canonical = new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    canonical = null;
  }
  remember(canonicalNames, timeZone, canonical);
  return canonical;
}

/**
 * What ICU said, kept: a formatter costs a fifth of a millisecond to make, formatToParts a few
 * microseconds, and a two-year monthly series asks a few hundred offsets. Zone rules do not change
 * while the process runs. Bounded, as clients choose the spellings and instants: full, it starts over.
 */
const MEMO_LIMIT = 50_000;
const canonicalNames = new Map<string, string | null>();
const offsets = new Map<string, number>();

function remember<K, V>(memo: Map<K, V>, key: K, value: V): void {
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, value);
}

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

/** Local minus UTC at an instant, in ms, as ICU reads the zone (to the second, as zones have changed). */
function probeOffset(instant: number, timeZone: string): number {
  const key = `${timeZone} ${instant}`;
  const known = offsets.get(key);
  if (known !== undefined) return known;
  const offset = readOffset(instant, timeZone);
  remember(offsets, key, offset);
  return offset;
}

function readOffset(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instant))) parts[part.type] = Number(part.value);
  const wholeSecond = Math.floor(instant / 1000) * 1000;
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) - wholeSecond;
}

/**
 * A zone's offsets over a span, so windows are then computed by arithmetic: probed weekly and each
 * change bisected to the millisecond. The one assumption: a zone does not change its offset and
 * change it back within a week, which no IANA zone does.
 */
class ZoneOffsets {
  private readonly changes: { at: number; offset: number }[];

  constructor(
    span: Span,
    private readonly timeZone: string,
  ) {
    // Month windows begin up to a month before the span and end up to a month after it. Probes fall on
    // a grid of weeks from the epoch, so requests of a zone over the same years ask the same instants.
    const [from, to] = [onWeekGrid(span.start - MARGIN_MS, Math.floor), onWeekGrid(span.end + MARGIN_MS, Math.ceil)];
    let offset = probeOffset(from, timeZone);
    this.changes = [{ at: -Infinity, offset }];
    for (let cursor = from; cursor < to;) {
      const next = Math.min(cursor + WEEK_MS, to);
      if (probeOffset(next, timeZone) === offset) {
        cursor = next;
        continue;
      }
      cursor = this.firstInstantOff(cursor, next, offset);
      offset = probeOffset(cursor, timeZone);
      this.changes.push({ at: cursor, offset });
    }
  }

  offsetAt(instant: number): number {
    return this.changes[this.changeIndexAt(instant)].offset;
  }

  /** The last instant at or before `instant` at which the offset changed (-Infinity: none in the span). */
  changeAtOrBefore(instant: number): number {
    return this.changes[this.changeIndexAt(instant)].at;
  }

  /** The first instant after `instant` at which the offset changes (Infinity: none in the span). */
  changeAfter(instant: number): number {
    return this.changes[this.changeIndexAt(instant) + 1]?.at ?? Infinity;
  }

  private changeIndexAt(instant: number): number {
    let [low, high] = [0, this.changes.length - 1];
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (this.changes[middle].at <= instant) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  /** The local wall clock at an instant, as the epoch milliseconds of the same reading in UTC. */
  wallClockAt(instant: number): number {
    return instant + this.offsetAt(instant);
  }

  /**
   * The instant a wall-clock reading happens: the earlier one when a fall-back repeats it, and when a
   * spring-forward skips it, the instant the clock jumps past it (so a skipped midnight starts the day
   * at the jump).
   */
  instantOfWallClock(wall: number): number {
    const offsets = [this.offsetAt(wall - DAY_MS), this.offsetAt(wall + DAY_MS)];
    const readings = offsets
      .map((offset) => wall - offset)
      .filter((instant) => this.offsetAt(instant) === wall - instant);
    return readings.length > 0 ? Math.min(...readings) : wall - offsets[0];
  }

  /** Bisects (low, high] for the first millisecond whose offset differs from `offset`. */
  private firstInstantOff(low: number, high: number, offset: number): number {
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (probeOffset(middle, this.timeZone) === offset) low = middle;
      else high = middle;
    }
    return high;
  }
}

const onWeekGrid = (instant: number, round: (weeks: number) => number) => round(instant / WEEK_MS) * WEEK_MS;

/** Milliseconds past the local hour at an instant. */
function pastLocalHour(instant: number, zone: ZoneOffsets): number {
  return ((zone.wallClockAt(instant) % HOUR_MS) + HOUR_MS) % HOUR_MS;
}

/**
 * The local start of the window that contains an instant. An hour starts when the clock reads :00
 * or when the offset changes, so a change by half an hour (Lord Howe) starts an hour of its own, as a
 * repeated hour does in Berlin: hours never straddle a change.
 */
function windowStartAt(instant: number, window: AnalyticsWindow, zone: ZoneOffsets): number {
  if (window === 'HOUR') return Math.max(instant - pastLocalHour(instant, zone), zone.changeAtOrBefore(instant));
  const wallMs = zone.wallClockAt(instant);
  const wall = new Date(wallMs);
  const [year, month, day] = [wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate()];
  switch (window) {
    case 'DAY':
      return zone.instantOfWallClock(Date.UTC(year, month, day));
    case 'WEEK':
      return zone.instantOfWallClock(Date.UTC(year, month, day - ((wall.getUTCDay() + 6) % 7)));
    case 'MONTH':
      return zone.instantOfWallClock(Date.UTC(year, month, 1));
  }
}

/** The local start of the window after the one starting at `start`. */
function nextWindowStart(start: number, window: AnalyticsWindow, zone: ZoneOffsets): number {
  if (window === 'HOUR') return Math.min(start - pastLocalHour(start, zone) + HOUR_MS, zone.changeAfter(start));
  const wall = new Date(zone.wallClockAt(start));
  const [year, month, day] = [wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate()];
  const nextWall =
    window === 'DAY'
      ? Date.UTC(year, month, day + 1)
      : window === 'WEEK'
        ? Date.UTC(year, month, day + 7)
        : Date.UTC(year, month + 1, 1);
  return zone.instantOfWallClock(nextWall);
}

/**
 * The local windows of `timeZone` that meet [from, to), each clipped to it, oldest first; null when
 * there would be more than `limit`. Windows start on local boundaries, so a Berlin day is 23 hours in
 * March and 25 in October, and a Kolkata or Kathmandu day starts at :30 or :15 past a UTC hour.
 */
export function localWindows(span: Span, window: AnalyticsWindow, timeZone: string, limit: number): Span[] | null {
  if ((span.end - span.start) / LONGEST_MS[window] > limit + 2) return null;
  const zone = new ZoneOffsets(span, timeZone);
  const windows: Span[] = [];
  for (let start = windowStartAt(span.start, window, zone); start < span.end;) {
    if (windows.length === limit) return null;
    const next = nextWindowStart(start, window, zone);
    windows.push({ start: Math.max(start, span.start), end: Math.min(next, span.end) });
    start = next;
  }
  return windows;
}
