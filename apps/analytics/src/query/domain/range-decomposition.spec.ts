import { bucketsOf, decompose } from './range-decomposition';

const at = (iso: string) => Date.parse(iso);
const spans = (iso: [string, string][]) => iso.map(([start, end]) => ({ start: at(start), end: at(end) }));
const levelled = (level: string, start: string, end: string) => ({ level, start: at(start), end: at(end) });

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
    expect(rollups).toEqual([levelled('15M', '2026-03-01T10:15:00Z', '2026-03-01T11:15:00Z')]);
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

  it('covers every instant of the range exactly once', () => {
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
