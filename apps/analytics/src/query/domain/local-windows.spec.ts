import { canonicalTimeZone, localWindows } from './local-windows';

const at = (iso: string) => Date.parse(iso);
const iso = (windows: { start: number; end: number }[] | null) =>
  (windows ?? []).map((window) => [new Date(window.start).toISOString(), new Date(window.end).toISOString()]);
const windowsOf = (from: string, to: string, window: 'HOUR' | 'DAY' | 'WEEK' | 'MONTH', tz: string) =>
  iso(localWindows({ start: at(from), end: at(to) }, window, tz, 10_000));

describe('local windows of an IANA zone', () => {
  it('gives Berlin a 23-hour day at the spring change and a 25-hour day at the autumn change', () => {
    expect(windowsOf('2026-03-28T23:00:00Z', '2026-03-30T22:00:00Z', 'DAY', 'Europe/Berlin')).toEqual([
      ['2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z'],
      ['2026-03-29T22:00:00.000Z', '2026-03-30T22:00:00.000Z'],
    ]);
    expect(windowsOf('2026-10-24T22:00:00Z', '2026-10-26T23:00:00Z', 'DAY', 'Europe/Berlin')).toEqual([
      ['2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z'],
      ['2026-10-25T23:00:00.000Z', '2026-10-26T23:00:00.000Z'],
    ]);
  });

  it('starts Berlin months at local midnight of the 1st, across both changes', () => {
    expect(windowsOf('2026-02-28T23:00:00Z', '2026-11-30T23:00:00Z', 'MONTH', 'Europe/Berlin')).toEqual([
      ['2026-02-28T23:00:00.000Z', '2026-03-31T22:00:00.000Z'],
      ['2026-03-31T22:00:00.000Z', '2026-04-30T22:00:00.000Z'],
      ['2026-04-30T22:00:00.000Z', '2026-05-31T22:00:00.000Z'],
      ['2026-05-31T22:00:00.000Z', '2026-06-30T22:00:00.000Z'],
      ['2026-06-30T22:00:00.000Z', '2026-07-31T22:00:00.000Z'],
      ['2026-07-31T22:00:00.000Z', '2026-08-31T22:00:00.000Z'],
      ['2026-08-31T22:00:00.000Z', '2026-09-30T22:00:00.000Z'],
      ['2026-09-30T22:00:00.000Z', '2026-10-31T23:00:00.000Z'],
      ['2026-10-31T23:00:00.000Z', '2026-11-30T23:00:00.000Z'],
    ]);
  });

  it('keeps Berlin hours one hour long through the changes, the repeated hour included', () => {
    expect(windowsOf('2026-10-25T00:00:00Z', '2026-10-25T02:00:00Z', 'HOUR', 'Europe/Berlin')).toEqual([
      ['2026-10-25T00:00:00.000Z', '2026-10-25T01:00:00.000Z'],
      ['2026-10-25T01:00:00.000Z', '2026-10-25T02:00:00.000Z'],
    ]);
    expect(windowsOf('2026-03-29T00:00:00Z', '2026-03-29T02:00:00Z', 'HOUR', 'Europe/Berlin')).toHaveLength(2);
  });

  it('starts Kolkata days and months at 18:30 UTC, over the months Berlin changes in', () => {
    expect(windowsOf('2026-03-28T18:30:00Z', '2026-03-30T18:30:00Z', 'DAY', 'Asia/Kolkata')).toEqual([
      ['2026-03-28T18:30:00.000Z', '2026-03-29T18:30:00.000Z'],
      ['2026-03-29T18:30:00.000Z', '2026-03-30T18:30:00.000Z'],
    ]);
    expect(windowsOf('2026-09-30T18:30:00Z', '2026-11-30T18:30:00Z', 'MONTH', 'Asia/Kolkata')).toEqual([
      ['2026-09-30T18:30:00.000Z', '2026-10-31T18:30:00.000Z'],
      ['2026-10-31T18:30:00.000Z', '2026-11-30T18:30:00.000Z'],
    ]);
  });

  it('ends a Lord Howe hour at its half-hour changes, the clock skipping or repeating half an hour', () => {
    // 4 October 2026, 02:00 (+10:30) becomes 02:30 (+11): the 02 hour is half an hour long.
    expect(windowsOf('2026-10-03T14:30:00Z', '2026-10-03T17:00:00Z', 'HOUR', 'Australia/Lord_Howe')).toEqual([
      ['2026-10-03T14:30:00.000Z', '2026-10-03T15:30:00.000Z'],
      ['2026-10-03T15:30:00.000Z', '2026-10-03T16:00:00.000Z'],
      ['2026-10-03T16:00:00.000Z', '2026-10-03T17:00:00.000Z'],
    ]);
    // 5 April 2026, 02:00 (+11) becomes 01:30 (+10:30): the repeated half hour is a window of its own.
    expect(windowsOf('2026-04-04T14:00:00Z', '2026-04-04T16:30:00Z', 'HOUR', 'Australia/Lord_Howe')).toEqual([
      ['2026-04-04T14:00:00.000Z', '2026-04-04T15:00:00.000Z'],
      ['2026-04-04T15:00:00.000Z', '2026-04-04T15:30:00.000Z'],
      ['2026-04-04T15:30:00.000Z', '2026-04-04T16:30:00.000Z'],
    ]);
    // A range that starts inside the short hour starts with it.
    expect(windowsOf('2026-10-03T15:45:00Z', '2026-10-03T16:30:00Z', 'HOUR', 'Australia/Lord_Howe')).toEqual([
      ['2026-10-03T15:45:00.000Z', '2026-10-03T16:00:00.000Z'],
      ['2026-10-03T16:00:00.000Z', '2026-10-03T16:30:00.000Z'],
    ]);
  });

  it('starts Kathmandu hours at :15 past the UTC hour', () => {
    expect(windowsOf('2026-01-01T00:15:00Z', '2026-01-01T02:15:00Z', 'HOUR', 'Asia/Kathmandu')).toEqual([
      ['2026-01-01T00:15:00.000Z', '2026-01-01T01:15:00.000Z'],
      ['2026-01-01T01:15:00.000Z', '2026-01-01T02:15:00.000Z'],
    ]);
  });

  it('starts ISO weeks on Monday and clips the first and last window to the range', () => {
    expect(windowsOf('2026-03-25T12:00:00Z', '2026-04-08T00:00:00Z', 'WEEK', 'Europe/Berlin')).toEqual([
      ['2026-03-25T12:00:00.000Z', '2026-03-29T22:00:00.000Z'],
      ['2026-03-29T22:00:00.000Z', '2026-04-05T22:00:00.000Z'],
      ['2026-04-05T22:00:00.000Z', '2026-04-08T00:00:00.000Z'],
    ]);
  });

  it('counts windows up to the limit and refuses one more', () => {
    const day = { start: at('2026-01-01T00:00:00Z'), end: at('2026-01-02T00:00:00Z') };
    expect(localWindows(day, 'HOUR', 'UTC', 24)).toHaveLength(24);
    expect(localWindows(day, 'HOUR', 'UTC', 23)).toBeNull();
    const ages = { start: Date.parse('0001-01-01T00:00:00Z'), end: Date.parse('9999-01-01T00:00:00Z') };
    expect(localWindows(ages, 'MONTH', 'Europe/Berlin', 10_000)).toBeNull();
  });

  it('knows IANA zones and no others', () => {
    expect(canonicalTimeZone('Asia/Kathmandu')).toBe(canonicalTimeZone('Asia/Katmandu'));
    expect(canonicalTimeZone('eUrOpE/bErLiN')).toBe('Europe/Berlin');
    expect(canonicalTimeZone('Mars/Olympus_Mons')).toBeNull();
  });
});
