/** The UTC bucket sizes the projection keeps rollups at, coarsest last. */
export type RollupLevel = '15M' | 'HOUR' | 'DAY' | 'MONTH';

/** A half-open interval [start, end) of epoch milliseconds. */
export interface Span {
  start: number;
  end: number;
}

/** Whole buckets of one level: the buckets b with start <= b < end, added (+1) or taken away (-1). */
export interface RollupSpan extends Span {
  level: RollupLevel;
  sign: 1 | -1;
}

/**
 * How a range is answered: whole rollup buckets, each added or taken away (a coarser bucket that
 * over-covers the range less the parts of it outside), plus the partial edges (each under 15
 * minutes) that lie off the 15-minute grid and are summed from their sessions. Every 15-minute
 * bucket of the range is counted once in all, and none outside it.
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
 * Splits [start, end) into signed rollup spans reading the fewest buckets (coarsest in the middle,
 * finer towards the edges, a coarser bucket less its over-covered parts where that reads fewer), plus
 * at most two partial edges off the 15-minute grid. Ties go to the plain (all added) decomposition.
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
  return { rollups: signed(start, end, 0, new Map()).parts, edges };
}

interface Signed {
  parts: RollupSpan[];
  buckets: number;
  /** Buckets taken away, the tie-break: fewer first. */
  negative: number;
}

const NOTHING: Signed = { parts: [], buckets: 0, negative: 0 };

function bucketCount(level: RollupLevel, start: number, end: number): number {
  if (level !== 'MONTH') return (end - start) / BUCKET_MS[level];
  const [from, to] = [new Date(start), new Date(end)];
  return (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + to.getUTCMonth() - from.getUTCMonth();
}

const negated = (answer: Signed): Signed => ({
  parts: answer.parts.map((part) => ({ ...part, sign: part.sign === 1 ? -1 : 1 })),
  buckets: answer.buckets,
  negative: answer.buckets - answer.negative,
});

/**
 * The fewest buckets of levels COARSEST_FIRST[from..] that count each 15-minute bucket of the aligned
 * [start, end) once: for each level, whole buckets from its boundary inside or outside each end, the
 * rest (added, or over-covered and taken away) from finer levels. Memoized per decomposition.
 */
function signed(start: number, end: number, from: number, memo: Map<string, Signed>): Signed {
  if (start >= end) return NOTHING;
  const key = `${start}:${end}:${from}`;
  const known = memo.get(key);
  if (known) return known;
  let best: Signed | null = null;
  for (let index = from; index < COARSEST_FIRST.length; index += 1) {
    const level = COARSEST_FIRST[index];
    const lefts = [...new Set([ceilToLevel(level, start), floorToLevel(level, start)])];
    const rights = [...new Set([floorToLevel(level, end), ceilToLevel(level, end)])];
    for (const left of lefts) {
      for (const right of rights) {
        if (left >= right) continue;
        const leftRest =
          left >= start ? signed(start, left, index + 1, memo) : negated(signed(left, start, index + 1, memo));
        const rightRest =
          right <= end ? signed(right, end, index + 1, memo) : negated(signed(end, right, index + 1, memo));
        const buckets = leftRest.buckets + bucketCount(level, left, right) + rightRest.buckets;
        const negative = leftRest.negative + rightRest.negative;
        if (best === null || buckets < best.buckets || (buckets === best.buckets && negative < best.negative)) {
          const middle: RollupSpan = { level, start: left, end: right, sign: 1 };
          best = { parts: [...leftRest.parts, middle, ...rightRest.parts], buckets, negative };
        }
      }
    }
  }
  // The finest level is the 15-minute grid [start, end) lies on, so some level always fits.
  const answer = best as Signed;
  memo.set(key, answer);
  return answer;
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

/** One UTC year's run of months [first, last] (1 - 12) of a series, the first month in window `window`, each next in the next. */
export interface MonthSlice {
  year: number;
  first: number;
  last: number;
  window: number;
}

/**
 * The MONTH buckets of a series' windows as runs of months per UTC year, when each month is added
 * once, to one window, and the months of a run fall in consecutive windows (monthly windows, in any
 * zone: each is its UTC month and edges of hours); else null, and they are read month by month.
 */
export function monthSlicesOf(pieces: Decomposition[]): MonthSlice[] | null {
  const months: { bucket: number; window: number }[] = [];
  for (const [window, { rollups }] of pieces.entries()) {
    for (const rollup of rollups.filter((span) => span.level === 'MONTH')) {
      if (rollup.sign !== 1) return null;
      for (const bucket of bucketsOf(rollup)) months.push({ bucket, window });
    }
  }
  months.sort((a, b) => a.bucket - b.bucket);
  const slices: MonthSlice[] = [];
  let previous: { bucket: number; window: number } | null = null;
  for (const month of months) {
    const date = new Date(month.bucket);
    const [year, number] = [date.getUTCFullYear(), date.getUTCMonth() + 1];
    const slice = slices.at(-1);
    if (slice && previous && slice.year === year) {
      if (number !== slice.last + 1 || month.window !== previous.window + 1) return null;
      slice.last = number;
    } else slices.push({ year, first: number, last: number, window: month.window });
    previous = month;
  }
  return slices.length > 0 ? slices : null;
}
