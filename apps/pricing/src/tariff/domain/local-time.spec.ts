import { isValidTimeZone, localTimeAt, utcOffsetMsAt, wallClockBoundaries } from './local-time';

const AMSTERDAM = 'Europe/Amsterdam';
const ms = (iso: string) => Date.parse(iso);
const iso = (instants: number[]) => instants.map((instant) => new Date(instant).toISOString());

describe('local time', () => {
  it('reads the local date, minute of day and weekday of an instant', () => {
    expect(localTimeAt(ms('2026-03-01T23:30:00Z'), AMSTERDAM)).toEqual({
      date: '2026-03-02',
      minuteOfDay: 30,
      dayOfWeek: 'MONDAY',
    });
    expect(localTimeAt(ms('2026-03-01T23:30:00Z'), 'America/New_York')).toEqual({
      date: '2026-03-01',
      minuteOfDay: 18 * 60 + 30,
      dayOfWeek: 'SUNDAY',
    });
  });

  it('knows the offset on both sides of a DST change', () => {
    expect(utcOffsetMsAt(ms('2026-03-29T00:59:59.999Z'), AMSTERDAM)).toBe(3_600_000);
    expect(utcOffsetMsAt(ms('2026-03-29T01:00:00Z'), AMSTERDAM)).toBe(7_200_000);
  });

  it('tells valid IANA zones from invalid ones', () => {
    expect(isValidTimeZone(AMSTERDAM)).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
  });

  it('finds each local midnight and wall-clock minute inside the span', () => {
    const found = wallClockBoundaries(ms('2026-03-01T20:00:00Z'), ms('2026-03-02T20:00:00Z'), AMSTERDAM, [0, 7 * 60]);
    expect(iso(found)).toEqual(['2026-03-01T23:00:00.000Z', '2026-03-02T06:00:00.000Z']);
  });

  it('has no 02:30 on a spring-forward day, only the jump itself', () => {
    const found = wallClockBoundaries(ms('2026-03-28T23:00:00Z'), ms('2026-03-29T03:00:00Z'), AMSTERDAM, [150]);
    expect(iso(found)).toEqual(['2026-03-29T01:00:00.000Z']);
  });

  it('has 02:30 twice on a fall-back day, and the jump between', () => {
    const found = wallClockBoundaries(ms('2026-10-24T22:00:00Z'), ms('2026-10-25T04:00:00Z'), AMSTERDAM, [150]);
    expect(iso(found)).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-25T01:00:00.000Z', '2026-10-25T01:30:00.000Z']);
  });
});
