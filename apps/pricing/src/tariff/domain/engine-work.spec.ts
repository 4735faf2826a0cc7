import { sessionPeriods } from './periods';
import { Exact } from './money';
import { priceSession } from './tariff-pricing';
import { aCharge, aTariff, anElement, energy, time } from './tariff.test-builders';

const DAY_MS = 86_400_000;
const START = Date.parse('2026-03-02T09:00:00.000Z');

/** A 31-day quote (the longest one accepted) across a daylight-saving change in Amsterdam (29 March 2026). */
const thirtyOneDays = aCharge({
  startedAt: new Date(START).toISOString(),
  endedAt: new Date(START + 31 * DAY_MS).toISOString(),
  energyWh: '500000',
});

/** Every read of a zone's wall clock goes through Intl's formatToParts: counting calls counts the work. */
function zoneReadsOf(work: () => void): number {
  const spy = jest.spyOn(Intl.DateTimeFormat.prototype, 'formatToParts');
  try {
    work();
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

const periodsOf = (tariff: ReturnType<typeof aTariff>) =>
  sessionPeriods(
    {
      startMs: START,
      chargingEndMs: START + 31 * DAY_MS,
      endMs: START + 31 * DAY_MS,
      energyWh: new Exact(500_000),
      timeZone: 'Europe/Amsterdam',
    },
    tariff,
  );

describe("a quote's engine work grows with its price periods, not its hours", () => {
  it('without time restrictions: one period and a handful of zone reads for 31 days (744 hours)', () => {
    const tariff = aTariff({ elements: [anElement([energy('0.30', { vat: '21' }), time('0.50', { vat: '21' })])] });
    expect(periodsOf(tariff)).toHaveLength(1);
    const reads = zoneReadsOf(() => priceSession(tariff, thirtyOneDays));
    expect(reads).toBeLessThanOrEqual(5);
  });

  it('with a daily time window: about three periods a day, and zone reads bounded by the periods, not the hours', () => {
    const tariff = aTariff({
      elements: [
        anElement([energy('0.20', { vat: '21' })], { start_time: '22:00', end_time: '06:00' }),
        anElement([energy('0.35', { vat: '21' })]),
      ],
    });
    const periods = periodsOf(tariff);
    // Local edges at 00:00, 06:00 and 22:00 each day, plus the daylight-saving change: about 3 cuts a day.
    expect(periods.length).toBeGreaterThanOrEqual(3 * 31 - 1);
    expect(periods.length).toBeLessThanOrEqual(3 * 31 + 2);
    const reads = zoneReadsOf(() => priceSession(tariff, thirtyOneDays));
    // One read per period to price it, one probe per day for offset changes, ~27 to bisect the one change found.
    expect(reads).toBeLessThanOrEqual(periods.length + 31 + 40);
    expect(reads).toBeLessThan(31 * 24);
  });
});
