/** The UTC bucket sizes the projection keeps rollups at, coarsest last. */
export type RollupLevel = '15M' | 'HOUR' | 'DAY' | 'MONTH';

/** A half-open interval [start, end) of epoch milliseconds. */
export interface Span {
  start: number;
  end: number;
}

/** Whole buckets of one level: the buckets b with start <= b < end. */
export interface RollupSpan extends Span {
  level: RollupLevel;
}

/**
 * How a range is answered: whole rollup buckets, plus the partial edges (each under 15 minutes)
 * that lie off the 15-minute grid and are summed from their sessions.
 */
export interface Decomposition {
  rollups: RollupSpan[];
  edges: Span[];
}

/** Bucket lengths of the fixed-length levels; a month is a calendar month. */
const BUCKET_MS = { '15M': 900_000, HOUR: 3_600_000, DAY: 86_400_000 } as const;
const COARSEST_FIRST: readonly RollupLevel[] = ['MONTH', 'DAY', 'HOUR', '15M'];

/** The UTC month bucket an instant lies in. */
export function monthStartOf(instant: number): number {
  const date = new Date(instant);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

function floorToLevel(level: RollupLevel, instant: number): number {
  return level === 'MONTH' ? monthStartOf(instant) : Math.floor(instant / BUCKET_MS[level]) * BUCKET_MS[level];
}

function ceilToLevel(level: RollupLevel, instant: number): number {
  if (level !== 'MONTH') return Math.ceil(instant / BUCKET_MS[level]) * BUCKET_MS[level];
  const floor = monthStartOf(instant);
  if (floor === instant) return instant;
  const date = new Date(floor);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

/**
 * Splits [start, end) into the fewest rollup spans, coarsest in the middle and finer only towards the
 * edges, plus at most two partial edges off the 15-minute grid.
 */
export function decompose(span: Span): Decomposition {
  if (span.start >= span.end) return { rollups: [], edges: [] };
  const start = ceilToLevel('15M', span.start);
  const end = floorToLevel('15M', span.end);
  if (start > end) return { rollups: [], edges: [span] };
  const edges = [
    ...(span.start < start ? [{ start: span.start, end: start }] : []),
    ...(end < span.end ? [{ start: end, end: span.end }] : []),
  ];
  return { rollups: aligned(start, end, COARSEST_FIRST), edges };
}

function aligned(start: number, end: number, levels: readonly RollupLevel[]): RollupSpan[] {
  if (start >= end) return [];
  const [level, ...finer] = levels;
  const whole = { start: ceilToLevel(level, start), end: floorToLevel(level, end) };
  if (whole.start >= whole.end) return aligned(start, end, finer);
  return [...aligned(start, whole.start, finer), { level, ...whole }, ...aligned(whole.end, end, finer)];
}

/** The bucket starts of a rollup span, oldest first. */
export function bucketsOf(span: RollupSpan): number[] {
  const buckets: number[] = [];
  for (let bucket = span.start; bucket < span.end;) {
    buckets.push(bucket);
    if (span.level !== 'MONTH') bucket += BUCKET_MS[span.level];
    else {
      const date = new Date(bucket);
      bucket = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
    }
  }
  return buckets;
}
