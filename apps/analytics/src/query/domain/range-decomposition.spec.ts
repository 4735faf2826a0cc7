import { localWindows } from './local-windows';
import { bucketsOf, decompose, monthSlicesOf } from './range-decomposition';

const at = (iso: string) => Date.parse(iso);
const spans = (iso: [string, string][]) => iso.map(([start, end]) => ({ start: at(start), end: at(end) }));
const levelled = (level: string, start: string, end: string, sign = 1) => ({
  level,
  start: at(start),
  end: at(end),
  sign,
});
const minus = (level: string, start: string, end: string) => levelled(level, start, end, -1);

describe('decomposing a range into rollup buckets and partial edges', () => {
  it('answers whole months with one MONTH span and finer levels only towards the edges', () => {
    const { rollups, edges } = decompose({ start: at('2026-01-30T22:45:00Z'), end: at('2026-04-02T01:30:00Z') });
    expect(rollups).toEqual([
      levelled('15M', '2026-01-30T22:45:00Z', '2026-01-30T23:00:00Z'),
      levelled('HOUR', '2026-01-30T23:00:00Z', '2026-01-31T00:00:00Z'),
      levelled('DAY', '2026-01-31T00:00:00Z', '2026-02-01T00:00:00Z'),
      levelled('MONTH', '2026-02-01T00:00:00Z', '2026-04-01T00:00:00Z'),
      levelled('DAY', '2026-04-01T00:00:00Z', '2026-04-02T00:00:00Z'),
      levelled('HOUR', '2026-04-02T00:00:00Z', '2026-04-02T01:00:00Z'),
      levelled('15M', '2026-04-02T01:00:00Z', '2026-04-02T01:30:00Z'),
    ]);
    expect(edges).toEqual([]);
  });

  it('sums the unaligned edges from sessions, each under 15 minutes', () => {
    const { rollups, edges } = decompose({ start: at('2026-03-01T10:07:30Z'), end: at('2026-03-01T11:20:01Z') });
    expect(rollups).toEqual([
      minus('15M', '2026-03-01T10:00:00Z', '2026-03-01T10:15:00Z'),
      levelled('HOUR', '2026-03-01T10:00:00Z', '2026-03-01T11:00:00Z'),
      levelled('15M', '2026-03-01T11:00:00Z', '2026-03-01T11:15:00Z'),
    ]);
    expect(edges).toEqual(
      spans([
        ['2026-03-01T10:07:30Z', '2026-03-01T10:15:00Z'],
        ['2026-03-01T11:15:00Z', '2026-03-01T11:20:01Z'],
      ]),
    );
  });

  it('answers a range inside one 15-minute bucket from its sessions alone', () => {
    const range = { start: at('2026-03-01T10:01:00Z'), end: at('2026-03-01T10:14:00Z') };
    expect(decompose(range)).toEqual({ rollups: [], edges: [range] });
  });

  it('splits a range across one 15-minute boundary into two edges', () => {
    expect(decompose({ start: at('2026-03-01T10:10:00Z'), end: at('2026-03-01T10:20:00Z') })).toEqual({
      rollups: [],
      edges: spans([
        ['2026-03-01T10:10:00Z', '2026-03-01T10:15:00Z'],
        ['2026-03-01T10:15:00Z', '2026-03-01T10:20:00Z'],
      ]),
    });
  });

  it('takes a whole year as twelve months in one span, and an empty range as nothing', () => {
    expect(decompose({ start: at('2025-01-01T00:00:00Z'), end: at('2026-01-01T00:00:00Z') })).toEqual({
      rollups: [levelled('MONTH', '2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z')],
      edges: [],
    });
    expect(decompose({ start: at('2025-01-01T00:00:00Z'), end: at('2025-01-01T00:00:00Z') })).toEqual({
      rollups: [],
      edges: [],
    });
  });

  it('covers every instant of an all-added range exactly once', () => {
    const range = { start: at('2024-02-27T13:52:11Z'), end: at('2024-03-02T00:07:00Z') };
    const { rollups, edges } = decompose(range);
    const pieces = [...rollups, ...edges].sort((a, b) => a.start - b.start);
    expect(pieces[0].start).toBe(range.start);
    expect(pieces[pieces.length - 1].end).toBe(range.end);
    pieces.slice(1).forEach((piece, i) => expect(piece.start).toBe(pieces[i].end));
    expect(rollups).toEqual([
      levelled('HOUR', '2024-02-27T14:00:00Z', '2024-02-28T00:00:00Z'),
      levelled('DAY', '2024-02-28T00:00:00Z', '2024-03-02T00:00:00Z'),
    ]);
    expect(edges).toHaveLength(2);
  });

  it('lists the buckets of a span, calendar months included', () => {
    expect(bucketsOf(levelled('MONTH', '2024-01-01T00:00:00Z', '2024-04-01T00:00:00Z') as never)).toEqual(
      ['2024-01-01T00:00:00Z', '2024-02-01T00:00:00Z', '2024-03-01T00:00:00Z'].map(at),
    );
    expect(bucketsOf(levelled('15M', '2024-01-01T00:00:00Z', '2024-01-01T00:30:00Z') as never)).toEqual(
      ['2024-01-01T00:00:00Z', '2024-01-01T00:15:00Z'].map(at),
    );
  });
});

describe('signed spans: a coarser bucket less what it over-covers', () => {
  it('answers a Berlin March (DST starts) as its UTC month, plus the hour before, less the two after', () => {
    // Berlin March 2026: 2026-02-28T23:00Z (CET) to 2026-03-31T22:00Z (CEST).
    expect(decompose({ start: at('2026-02-28T23:00:00Z'), end: at('2026-03-31T22:00:00Z') })).toEqual({
      rollups: [
        levelled('HOUR', '2026-02-28T23:00:00Z', '2026-03-01T00:00:00Z'),
        levelled('MONTH', '2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z'),
        minus('HOUR', '2026-03-31T22:00:00Z', '2026-04-01T00:00:00Z'),
      ],
      edges: [],
    });
  });

  it('answers a Berlin October (DST ends) as its UTC month, plus two hours before, less the one after', () => {
    // Berlin October 2026: 2026-09-30T22:00Z (CEST) to 2026-10-31T23:00Z (CET).
    expect(decompose({ start: at('2026-09-30T22:00:00Z'), end: at('2026-10-31T23:00:00Z') })).toEqual({
      rollups: [
        levelled('HOUR', '2026-09-30T22:00:00Z', '2026-10-01T00:00:00Z'),
        levelled('MONTH', '2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z'),
        minus('HOUR', '2026-10-31T23:00:00Z', '2026-11-01T00:00:00Z'),
      ],
      edges: [],
    });
  });

  it('answers a Berlin day as its UTC day plus the hour before, less the hour after', () => {
    expect(decompose({ start: at('2026-03-09T23:00:00Z'), end: at('2026-03-10T23:00:00Z') }).rollups).toEqual([
      levelled('HOUR', '2026-03-09T23:00:00Z', '2026-03-10T00:00:00Z'),
      levelled('DAY', '2026-03-10T00:00:00Z', '2026-03-11T00:00:00Z'),
      minus('HOUR', '2026-03-10T23:00:00Z', '2026-03-11T00:00:00Z'),
    ]);
  });

  it('answers a Kolkata day (18:30Z to 18:30Z) as its UTC day plus 5½ hours before, less 5½ after', () => {
    expect(decompose({ start: at('2026-03-09T18:30:00Z'), end: at('2026-03-10T18:30:00Z') }).rollups).toEqual([
      levelled('15M', '2026-03-09T18:30:00Z', '2026-03-09T19:00:00Z'),
      levelled('HOUR', '2026-03-09T19:00:00Z', '2026-03-10T00:00:00Z'),
      levelled('DAY', '2026-03-10T00:00:00Z', '2026-03-11T00:00:00Z'),
      minus('15M', '2026-03-10T18:30:00Z', '2026-03-10T19:00:00Z'),
      minus('HOUR', '2026-03-10T19:00:00Z', '2026-03-11T00:00:00Z'),
    ]);
  });

  it('answers a Kolkata March as its UTC month plus 5½ hours before, less 5½ after', () => {
    expect(decompose({ start: at('2026-02-28T18:30:00Z'), end: at('2026-03-31T18:30:00Z') }).rollups).toEqual([
      levelled('15M', '2026-02-28T18:30:00Z', '2026-02-28T19:00:00Z'),
      levelled('HOUR', '2026-02-28T19:00:00Z', '2026-03-01T00:00:00Z'),
      levelled('MONTH', '2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z'),
      minus('15M', '2026-03-31T18:30:00Z', '2026-03-31T19:00:00Z'),
      minus('HOUR', '2026-03-31T19:00:00Z', '2026-04-01T00:00:00Z'),
    ]);
  });

  it('counts every 15-minute bucket of a random span exactly once, and none outside it', () => {
    const QUARTER = 900_000;
    let seed = 20261201;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const base = at('2024-01-01T00:00:00Z');
    const reach = 400 * 86_400_000;
    for (let run = 0; run < 200; run += 1) {
      const lengths = [QUARTER * 7, 86_400_000 * 3, 86_400_000 * 40, reach];
      const start = base + Math.floor(random() * reach);
      const end = start + 1 + Math.floor(random() * lengths[run % lengths.length]);
      const { rollups, edges } = decompose({ start, end });
      const counts = new Map<number, number>();
      for (const part of rollups) {
        expect([part.start % QUARTER, part.end % QUARTER]).toEqual([0, 0]);
        for (let quarter = part.start; quarter < part.end; quarter += QUARTER) {
          counts.set(quarter, (counts.get(quarter) ?? 0) + part.sign);
        }
      }
      const first = Math.ceil(start / QUARTER) * QUARTER;
      const last = Math.floor(end / QUARTER) * QUARTER;
      const wrong: [number, number][] = [];
      for (const [quarter, count] of counts) {
        if (count !== (quarter >= first && quarter < last ? 1 : 0)) wrong.push([quarter, count]);
      }
      for (let quarter = first; quarter < last; quarter += QUARTER) {
        if (!counts.has(quarter)) wrong.push([quarter, 0]);
      }
      expect(wrong).toEqual([]);
      const edgeLength = edges.reduce((sum, edge) => sum + edge.end - edge.start, 0);
      expect(edgeLength).toBe(Math.min(end, first) - start + (first <= last ? end - last : 0));
      for (const edge of edges) {
        expect(edge.start).toBeGreaterThanOrEqual(start);
        expect(edge.end).toBeLessThanOrEqual(end);
        expect(edge.end <= first || edge.start >= last || first > last).toBe(true);
      }
    }
  });
});

describe('the months of a series as runs per UTC year, for the packed rows', () => {
  const piecesOf = (from: string, to: string, window: 'DAY' | 'MONTH', zone: string) =>
    (localWindows({ start: at(from), end: at(to) }, window, zone, 1_000) ?? []).map(decompose);

  it('runs two Berlin years of months, one per window, split at the UTC years', () => {
    expect(monthSlicesOf(piecesOf('2024-11-30T23:00:00Z', '2026-11-30T23:00:00Z', 'MONTH', 'Europe/Berlin'))).toEqual([
      { year: 2024, first: 12, last: 12, window: 0 },
      { year: 2025, first: 1, last: 12, window: 1 },
      { year: 2026, first: 1, last: 11, window: 13 },
    ]);
  });

  it('runs the months of Kolkata, whose months start at 18:30 UTC the day before', () => {
    expect(monthSlicesOf(piecesOf('2025-12-31T18:30:00Z', '2026-12-31T18:30:00Z', 'MONTH', 'Asia/Kolkata'))).toEqual([
      { year: 2026, first: 1, last: 12, window: 0 },
    ]);
  });

  it('has none for daily windows, and none when a month is taken back', () => {
    expect(monthSlicesOf(piecesOf('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z', 'DAY', 'UTC'))).toBeNull();
    const takenBack = { rollups: [minus('MONTH', '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z')], edges: [] };
    expect(monthSlicesOf([takenBack as never])).toBeNull();
  });

  it('has none when one window holds two months', () => {
    expect(
      monthSlicesOf([decompose({ start: at('2026-01-01T00:00:00Z'), end: at('2026-03-01T00:00:00Z') })]),
    ).toBeNull();
  });
});
