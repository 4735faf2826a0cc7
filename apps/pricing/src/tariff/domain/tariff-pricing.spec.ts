import type { SessionFinalizedV1 } from '@chargeflow/contracts';
import { canonicalJson } from './canonical-json';
import { pricingInputOf, type PricingInput } from './pricing-input';
import type { Tariff } from './tariff';
import {
  PricingInputInvalidError,
  SessionEndsBeforeStartError,
  TariffInvalidError,
  TariffNotApplicableError,
} from './tariff.errors';
import { ENGINE_VERSION, LEGACY_ENGINE_VERSION, priceSession, type LineItem } from './tariff-pricing';
import { aCharge, aTariff, anElement, energy, flat, parking, time } from './tariff.test-builders';

/** Local Amsterdam wall time on a date, as the UTC instant the engine takes (CET is UTC+1, CEST UTC+2). */
const cet = (date: string, hhmm: string) => new Date(`${date}T${hhmm}:00+01:00`).toISOString();
const cest = (date: string, hhmm: string) => new Date(`${date}T${hhmm}:00+02:00`).toISOString();
const MONDAY = '2026-03-02';

type LineSummary = Pick<LineItem, 'type' | 'elementIndex' | 'billedVolume' | 'amountExclVat'>;
const summary = (line: LineItem): LineSummary => ({
  type: line.type,
  elementIndex: line.elementIndex,
  billedVolume: line.billedVolume,
  amountExclVat: line.amountExclVat,
});

interface Case {
  name: string;
  tariff: Tariff;
  session: PricingInput;
  lines: LineSummary[];
  total: string;
}

const cases: Case[] = [
  {
    name: 'ENERGY: 10 kWh at 0.30',
    tariff: aTariff(),
    session: aCharge(),
    lines: [{ type: 'ENERGY', elementIndex: 0, billedVolume: '10', amountExclVat: '3.00' }],
    total: '3.00',
  },
  {
    name: 'TIME: 1 h 30 at 2.00/h',
    tariff: aTariff({ elements: [anElement([time('2.00')])] }),
    session: aCharge({ endedAt: cet(MONDAY, '11:30') }),
    lines: [{ type: 'TIME', elementIndex: 0, billedVolume: '1.5', amountExclVat: '3.00' }],
    total: '3.00',
  },
  {
    name: 'PARKING_TIME: the last 20 minutes at 6.00/h',
    tariff: aTariff({ elements: [anElement([parking('6.00')])] }),
    session: aCharge({ parkingDurationS: 1200 }),
    lines: [{ type: 'PARKING_TIME', elementIndex: 0, billedVolume: '0.333333', amountExclVat: '2.00' }],
    total: '2.00',
  },
  {
    name: 'FLAT: 1.50 per session',
    tariff: aTariff({ elements: [anElement([flat('1.50')])] }),
    session: aCharge(),
    lines: [{ type: 'FLAT', elementIndex: 0, billedVolume: '1', amountExclVat: '1.50' }],
    total: '1.50',
  },
  {
    name: 'ENERGY step_size 1000 Wh: 10.2 kWh billed as 11',
    tariff: aTariff({ elements: [anElement([energy('0.30', { step_size: 1000 })])] }),
    session: aCharge({ energyWh: '10200' }),
    lines: [{ type: 'ENERGY', elementIndex: 0, billedVolume: '11', amountExclVat: '3.30' }],
    total: '3.30',
  },
  {
    name: 'TIME step_size 900 s: 61 minutes billed as 1.25 h',
    tariff: aTariff({ elements: [anElement([time('4.00', { step_size: 900 })])] }),
    session: aCharge({ endedAt: cet(MONDAY, '11:01') }),
    lines: [{ type: 'TIME', elementIndex: 0, billedVolume: '1.25', amountExclVat: '5.00' }],
    total: '5.00',
  },
  {
    name: 'PARKING_TIME step_size 300 s: 7 minutes billed as 10',
    tariff: aTariff({ elements: [anElement([parking('6.00', { step_size: 300 })])] }),
    session: aCharge({ parkingDurationS: 420 }),
    lines: [{ type: 'PARKING_TIME', elementIndex: 0, billedVolume: '0.166667', amountExclVat: '1.00' }],
    total: '1.00',
  },
  {
    name: 'min_price lifts a 0.30 session to 1.00 with an adjustment line',
    tariff: aTariff({ min_price: { excl_vat: '1.00' } }),
    session: aCharge({ energyWh: '1000' }),
    lines: [
      { type: 'ENERGY', elementIndex: 0, billedVolume: '1', amountExclVat: '0.30' },
      { type: 'MIN_PRICE', elementIndex: null, billedVolume: '1', amountExclVat: '0.70' },
    ],
    total: '1.00',
  },
  {
    name: 'max_price caps a 3.00 session at 2.50 with an adjustment line',
    tariff: aTariff({ max_price: { excl_vat: '2.50' } }),
    session: aCharge(),
    lines: [
      { type: 'ENERGY', elementIndex: 0, billedVolume: '10', amountExclVat: '3.00' },
      { type: 'MAX_PRICE', elementIndex: null, billedVolume: '1', amountExclVat: '-0.50' },
    ],
    total: '2.50',
  },
  {
    name: 'start_time/end_time: 10:00-10:30 at 10.00/h, the rest of the hour at 2.00/h',
    tariff: aTariff({
      elements: [anElement([time('10.00')], { start_time: '10:00', end_time: '10:30' }), anElement([time('2.00')])],
    }),
    session: aCharge(),
    lines: [
      { type: 'TIME', elementIndex: 0, billedVolume: '0.5', amountExclVat: '5.00' },
      { type: 'TIME', elementIndex: 1, billedVolume: '0.5', amountExclVat: '1.00' },
    ],
    total: '6.00',
  },
  {
    name: 'a night window wrapping midnight (22:00-06:00), entered at 22:00: 2 kWh day at 0.40 + 2 kWh night at 0.20',
    tariff: aTariff({
      elements: [anElement([energy('0.20')], { start_time: '22:00', end_time: '06:00' }), anElement([energy('0.40')])],
    }),
    session: aCharge({ startedAt: cet(MONDAY, '21:00'), endedAt: cet(MONDAY, '23:00'), energyWh: '4000' }),
    lines: [
      { type: 'ENERGY', elementIndex: 1, billedVolume: '2', amountExclVat: '0.80' },
      { type: 'ENERGY', elementIndex: 0, billedVolume: '2', amountExclVat: '0.40' },
    ],
    total: '1.20',
  },
  {
    name: 'the same night window, left at 06:00 the next morning',
    tariff: aTariff({
      elements: [anElement([energy('0.20')], { start_time: '22:00', end_time: '06:00' }), anElement([energy('0.40')])],
    }),
    session: aCharge({ startedAt: cet('2026-03-03', '05:00'), endedAt: cet('2026-03-03', '07:00'), energyWh: '4000' }),
    lines: [
      { type: 'ENERGY', elementIndex: 0, billedVolume: '2', amountExclVat: '0.40' },
      { type: 'ENERGY', elementIndex: 1, billedVolume: '2', amountExclVat: '0.80' },
    ],
    total: '1.20',
  },
  {
    name: 'start_date: a price rise at local midnight splits a session from Monday 23:00 to Tuesday 01:00',
    tariff: aTariff({
      elements: [anElement([energy('0.50')], { start_date: '2026-03-03' }), anElement([energy('0.30')])],
    }),
    session: aCharge({ startedAt: cet(MONDAY, '23:00'), endedAt: cet('2026-03-03', '01:00'), energyWh: '6000' }),
    lines: [
      { type: 'ENERGY', elementIndex: 1, billedVolume: '3', amountExclVat: '0.90' },
      { type: 'ENERGY', elementIndex: 0, billedVolume: '3', amountExclVat: '1.50' },
    ],
    total: '2.40',
  },
  {
    name: 'end_date is exclusive: the old price ends at local midnight',
    tariff: aTariff({ elements: [anElement([time('1.00')], { end_date: '2026-03-03' }), anElement([time('3.00')])] }),
    session: aCharge({ startedAt: cet(MONDAY, '23:00'), endedAt: cet('2026-03-03', '01:00') }),
    lines: [
      { type: 'TIME', elementIndex: 0, billedVolume: '1', amountExclVat: '1.00' },
      { type: 'TIME', elementIndex: 1, billedVolume: '1', amountExclVat: '3.00' },
    ],
    total: '4.00',
  },
  {
    name: "day_of_week: a Sunday rate until local midnight, then Monday's",
    tariff: aTariff({
      elements: [anElement([time('1.00')], { day_of_week: ['SATURDAY', 'SUNDAY'] }), anElement([time('3.00')])],
    }),
    session: aCharge({ startedAt: cet('2026-03-01', '23:00'), endedAt: cet(MONDAY, '01:00') }),
    lines: [
      { type: 'TIME', elementIndex: 0, billedVolume: '1', amountExclVat: '1.00' },
      { type: 'TIME', elementIndex: 1, billedVolume: '1', amountExclVat: '3.00' },
    ],
    total: '4.00',
  },
  {
    name: 'max_kwh: the first kWh at 0.50, the other 9 at 0.25',
    tariff: aTariff({ elements: [anElement([energy('0.50')], { max_kwh: '1' }), anElement([energy('0.25')])] }),
    session: aCharge(),
    lines: [
      { type: 'ENERGY', elementIndex: 0, billedVolume: '1', amountExclVat: '0.50' },
      { type: 'ENERGY', elementIndex: 1, billedVolume: '9', amountExclVat: '2.25' },
    ],
    total: '2.75',
  },
  {
    name: 'min_kwh: from the 5th kWh on at 0.10, the first 5 at 0.30',
    tariff: aTariff({ elements: [anElement([energy('0.10')], { min_kwh: '5' }), anElement([energy('0.30')])] }),
    session: aCharge(),
    lines: [
      { type: 'ENERGY', elementIndex: 1, billedVolume: '5', amountExclVat: '1.50' },
      { type: 'ENERGY', elementIndex: 0, billedVolume: '5', amountExclVat: '0.50' },
    ],
    total: '2.00',
  },
  {
    name: 'max_duration: the first 30 minutes free, then 4.00/h',
    tariff: aTariff({ elements: [anElement([time('0')], { max_duration: 1800 }), anElement([time('4.00')])] }),
    session: aCharge(),
    lines: [
      { type: 'TIME', elementIndex: 0, billedVolume: '0.5', amountExclVat: '0.00' },
      { type: 'TIME', elementIndex: 1, billedVolume: '0.5', amountExclVat: '2.00' },
    ],
    total: '2.00',
  },
  {
    name: 'min_duration: after 2 hours, 6.00/h on top of the energy',
    tariff: aTariff({ elements: [anElement([energy('0.30')]), anElement([time('6.00')], { min_duration: 7200 })] }),
    session: aCharge({ endedAt: cet(MONDAY, '12:15') }),
    lines: [
      { type: 'ENERGY', elementIndex: 0, billedVolume: '10', amountExclVat: '3.00' },
      { type: 'TIME', elementIndex: 1, billedVolume: '0.25', amountExclVat: '1.50' },
    ],
    total: '4.50',
  },
  {
    name: 'min_power: 22 kWh in 1 h is 22 kW average, fast-charging rate 0.60',
    tariff: aTariff({ elements: [anElement([energy('0.60')], { min_power: '11' }), anElement([energy('0.40')])] }),
    session: aCharge({ energyWh: '22000' }),
    lines: [{ type: 'ENERGY', elementIndex: 0, billedVolume: '22', amountExclVat: '13.20' }],
    total: '13.20',
  },
  {
    name: 'max_power: 7 kWh in 1 h is 7 kW average, slow rate 0.40',
    tariff: aTariff({ elements: [anElement([energy('0.40')], { max_power: '11' }), anElement([energy('0.60')])] }),
    session: aCharge({ energyWh: '7000' }),
    lines: [{ type: 'ENERGY', elementIndex: 0, billedVolume: '7', amountExclVat: '2.80' }],
    total: '2.80',
  },
  {
    name: 'a period no element prices is free: time is only charged 10:00-10:30',
    tariff: aTariff({ elements: [anElement([time('2.00')], { start_time: '10:00', end_time: '10:30' })] }),
    session: aCharge(),
    lines: [{ type: 'TIME', elementIndex: 0, billedVolume: '0.5', amountExclVat: '1.00' }],
    total: '1.00',
  },
  {
    name: 'FLAT once, from the element holding at the start, even when another FLAT element holds later',
    tariff: aTariff({
      elements: [anElement([flat('5.00')], { start_time: '00:00', end_time: '06:00' }), anElement([flat('1.00')])],
    }),
    session: aCharge({ startedAt: cet(MONDAY, '23:00'), endedAt: cet('2026-03-03', '01:00') }),
    lines: [{ type: 'FLAT', elementIndex: 1, billedVolume: '1', amountExclVat: '1.00' }],
    total: '1.00',
  },
  {
    name: 'spring forward in Amsterdam: 02:00-03:00 does not exist, so 00:00-05:00 local is 4 hours, none at the night rate',
    tariff: aTariff({
      elements: [anElement([time('100')], { start_time: '02:00', end_time: '03:00' }), anElement([time('1.00')])],
    }),
    session: aCharge({ startedAt: cet('2026-03-29', '00:00'), endedAt: cest('2026-03-29', '05:00') }),
    lines: [{ type: 'TIME', elementIndex: 1, billedVolume: '4', amountExclVat: '4.00' }],
    total: '4.00',
  },
  {
    name: 'fall back in Amsterdam: 02:00-03:00 happens twice, so 00:00-05:00 local is 6 hours, 2 of them at the night rate',
    tariff: aTariff({
      elements: [anElement([time('10.00')], { start_time: '02:00', end_time: '03:00' }), anElement([time('1.00')])],
    }),
    session: aCharge({ startedAt: cest('2026-10-25', '00:00'), endedAt: cet('2026-10-25', '05:00') }),
    lines: [
      { type: 'TIME', elementIndex: 1, billedVolume: '4', amountExclVat: '4.00' },
      { type: 'TIME', elementIndex: 0, billedVolume: '2', amountExclVat: '20.00' },
    ],
    total: '24.00',
  },
  {
    name: 'a fall-back day has 25 hours',
    tariff: aTariff({ elements: [anElement([time('1.00')], { start_date: '2026-10-25', end_date: '2026-10-26' })] }),
    session: aCharge({ startedAt: cest('2026-10-24', '22:00'), endedAt: cet('2026-10-26', '02:00') }),
    lines: [{ type: 'TIME', elementIndex: 0, billedVolume: '25', amountExclVat: '25.00' }],
    total: '25.00',
  },
  {
    name: 'JPY has no minor unit: 10.5 kWh at 35 is 367.5, half to even 368',
    tariff: aTariff({ currency: 'JPY', elements: [anElement([energy('35')])] }),
    session: aCharge({ energyWh: '10500' }),
    lines: [{ type: 'ENERGY', elementIndex: 0, billedVolume: '10.5', amountExclVat: '368' }],
    total: '368',
  },
];

describe('priceSession', () => {
  it.each(cases)('$name', ({ tariff, session, lines, total }) => {
    const record = priceSession(tariff, session);
    expect(record.lineItems.map(summary)).toEqual(lines);
    expect(record.totalExclVat).toBe(total);
  });

  it('tariff-engine/1 adds VAT per line on the rounded amount: 2.475 half to even 2.48, VAT 21% of it 0.5208 to 0.52', () => {
    const record = priceSession(
      aTariff({ elements: [anElement([energy('0.2475', { vat: '21' })])] }),
      aCharge(),
      LEGACY_ENGINE_VERSION,
    );
    expect(record.lineItems[0]).toMatchObject({
      amountExclVat: '2.48',
      vat: '21',
      vatAmount: '0.52',
      amountInclVat: '3.00',
    });
    expect(record).toMatchObject({ totalExclVat: '2.48', totalVat: '0.52', totalInclVat: '3.00' });
  });

  it('tariff-engine/1 keeps totals the sums of the rounded lines, VAT rates mixed', () => {
    const tariff = aTariff({
      elements: [
        anElement([energy('0.333', { vat: '21' }), time('1.111', { vat: '9' }), flat('0.005', { vat: '21' })]),
      ],
    });
    const record = priceSession(tariff, aCharge(), LEGACY_ENGINE_VERSION);
    // FLAT 0.005 -> 0.00 (half to even); ENERGY 3.33 + VAT 0.6993 -> 0.70; TIME 1.111 -> 1.11 + VAT 0.0999 -> 0.10
    expect(record.lineItems.map((line) => [line.type, line.amountExclVat, line.vatAmount, line.amountInclVat])).toEqual(
      [
        ['FLAT', '0.00', '0.00', '0.00'],
        ['ENERGY', '3.33', '0.70', '4.03'],
        ['TIME', '1.11', '0.10', '1.21'],
      ],
    );
    expect(record).toMatchObject({ totalExclVat: '4.44', totalVat: '0.80', totalInclVat: '5.24' });
  });

  it('tariff-engine/1 makes a capped session cost exactly the published max_price, incl. VAT too', () => {
    const tariff = aTariff({
      elements: [anElement([energy('0.30', { vat: '20' })])],
      max_price: { excl_vat: '2.50', incl_vat: '3.00' },
    });
    const record = priceSession(tariff, aCharge(), LEGACY_ENGINE_VERSION);
    expect(record.lineItems[1]).toMatchObject({
      type: 'MAX_PRICE',
      amountExclVat: '-0.50',
      vat: '20',
      vatAmount: '-0.10',
      amountInclVat: '-0.60',
    });
    expect(record).toMatchObject({ totalExclVat: '2.50', totalVat: '0.50', totalInclVat: '3.00' });
  });

  it("tariff-engine/1 gives a clamped total the VAT of the limit itself, whatever the lines' VAT rounded to", () => {
    // Lines: 3 x 0.25 excl, each VAT 21% = 0.0525 -> 0.05, so 0.15 in all; the minimum 1.00 carries VAT 0.21
    const tariff = aTariff({
      elements: [anElement([flat('0.25', { vat: '21' }), energy('0.25', { vat: '21' }), time('0.25', { vat: '21' })])],
      min_price: { excl_vat: '1.00' },
    });
    const record = priceSession(tariff, aCharge({ energyWh: '1000' }), LEGACY_ENGINE_VERSION);
    expect(record.lineItems[3]).toMatchObject({
      type: 'MIN_PRICE',
      amountExclVat: '0.25',
      vatAmount: '0.06',
      amountInclVat: '0.31',
    });
    expect(record).toMatchObject({ totalExclVat: '1.00', totalVat: '0.21', totalInclVat: '1.21' });
  });

  it("rounds the dimension total once with the last priced component's step, billed on its line", () => {
    const tariff = aTariff({
      elements: [anElement([time('6.00')], { max_duration: 600 }), anElement([time('3.00', { step_size: 900 })])],
    });
    const record = priceSession(tariff, aCharge({ endedAt: cet(MONDAY, '10:20') }));
    // 20 min used, rounded up to 30: the first 10 at 6.00/h (1.00), the other 10 plus the extra 10 at 3.00/h (1.00)
    expect(record.lineItems.map(summary)).toEqual([
      { type: 'TIME', elementIndex: 0, billedVolume: '0.166667', amountExclVat: '1.00' },
      { type: 'TIME', elementIndex: 1, billedVolume: '0.333333', amountExclVat: '1.00' },
    ]);
    expect(record.lineItems.map((line) => line.volume)).toEqual(['0.166667', '0.166667']);
  });

  it('can get cheaper with more energy when a kWh restriction gates another dimension, as OCPI defines it', () => {
    // TIME is charged only below 1 kWh so far: at 2 kWh that is the first 30 minutes, at 4 kWh the first 15
    const tariff = aTariff({ elements: [anElement([time('6.00')], { max_kwh: '1' }), anElement([energy('0.10')])] });
    expect(priceSession(tariff, aCharge({ energyWh: '2000' })).totalExclVat).toBe('3.20');
    expect(priceSession(tariff, aCharge({ energyWh: '4000' })).totalExclVat).toBe('1.90');
  });

  it('shows the periods that made each line, cut where the first kWh ran out', () => {
    const tariff = aTariff({ elements: [anElement([energy('0.50')], { max_kwh: '1' }), anElement([energy('0.25')])] });
    const record = priceSession(tariff, aCharge());
    expect(record.lineItems.map((line) => line.periods)).toEqual([
      [{ start: '2026-03-02T09:00:00.000Z', end: '2026-03-02T09:06:00.000Z', elementIndex: 0 }],
      [{ start: '2026-03-02T09:06:00.000Z', end: '2026-03-02T10:00:00.000Z', elementIndex: 1 }],
    ]);
  });

  it('draws no energy while parked: the energy is spread over the charging time only', () => {
    const tariff = aTariff({
      elements: [
        anElement([energy('1.00')], { start_time: '10:00', end_time: '10:30' }),
        anElement([energy('0.10'), parking('2.00')]),
      ],
    });
    const record = priceSession(tariff, aCharge({ parkingDurationS: 1800 }));
    // Charging 10:00-10:30: all 10 kWh in the expensive window; parked 10:30-11:00
    expect(record.lineItems.map(summary)).toEqual([
      { type: 'ENERGY', elementIndex: 0, billedVolume: '10', amountExclVat: '10.00' },
      { type: 'PARKING_TIME', elementIndex: 1, billedVolume: '0.5', amountExclVat: '1.00' },
    ]);
  });

  it('prices all the energy of a session with no charging time at its start', () => {
    const tariff = aTariff({ elements: [anElement([energy('0.50')], { max_kwh: '1' }), anElement([energy('0.25')])] });
    const record = priceSession(tariff, aCharge({ endedAt: aCharge().startedAt, energyWh: '3000' }));
    expect(record.lineItems.map(summary)).toEqual([
      { type: 'ENERGY', elementIndex: 0, billedVolume: '1', amountExclVat: '0.50' },
      { type: 'ENERGY', elementIndex: 1, billedVolume: '2', amountExclVat: '0.50' },
    ]);
  });

  it('returns a full billing record', () => {
    const record = priceSession(aTariff({ elements: [anElement([energy('0.30', { vat: '21' })])] }), aCharge());
    expect(record).toEqual({
      tariffId: 'tariff-standard',
      tariffVersion: 1,
      engineVersion: ENGINE_VERSION,
      currency: 'EUR',
      inputHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      lineItems: [
        {
          type: 'ENERGY',
          elementIndex: 0,
          volume: '10',
          billedVolume: '10',
          unitPrice: '0.3',
          amountExclVat: '3.00',
          vat: '21',
          periods: [{ start: '2026-03-02T09:00:00.000Z', end: '2026-03-02T10:00:00.000Z', elementIndex: 0 }],
        },
      ],
      vatBreakdown: [{ rate: '21', taxable: '3.00', vat: '0.63' }],
      totalExclVat: '3.00',
      totalVat: '0.63',
      totalInclVat: '3.63',
    });
  });

  describe('input hash', () => {
    const hash = (tariff: Tariff, session: PricingInput) => priceSession(tariff, session).inputHash;

    it('is the same for the same facts however they are written', () => {
      const plain = hash(aTariff(), aCharge());
      expect(
        hash(
          aTariff(),
          aCharge({ energyWh: '10000.000', startedAt: '2026-03-02T10:00:00+01:00', parkingDurationS: 0 }),
        ),
      ).toBe(plain);
    });

    it('changes with the session facts and with the tariff version', () => {
      const plain = hash(aTariff(), aCharge());
      expect(hash(aTariff(), aCharge({ energyWh: '10000.001' }))).not.toBe(plain);
      expect(hash(aTariff({ version: 2 }), aCharge())).not.toBe(plain);
    });

    it('gives byte-identical records for the same input', () => {
      const tariff = aTariff({
        elements: [
          anElement([energy('0.50')], { max_kwh: '1' }),
          anElement([energy('0.25'), time('1.20', { step_size: 60 })]),
        ],
      });
      expect(canonicalJson(priceSession(tariff, aCharge()))).toBe(
        canonicalJson(priceSession(structuredClone(tariff), aCharge())),
      );
    });
  });

  describe('guards', () => {
    it('refuses a session that ends before it starts', () => {
      expect(() => priceSession(aTariff(), aCharge({ endedAt: '2026-03-02T08:59:59.999Z' }))).toThrow(
        SessionEndsBeforeStartError,
      );
    });

    it('refuses a tariff made for the other kind of session', () => {
      expect(() => priceSession(aTariff(), aCharge({ kind: 'RIDE' }))).toThrow(TariffNotApplicableError);
    });

    it('refuses an invalid tariff, naming the field', () => {
      const invalid = aTariff({ elements: [anElement([energy('-1')])] });
      expect(() => priceSession(invalid, aCharge())).toThrow(TariffInvalidError);
    });

    it.each<[string, Partial<PricingInput>]>([
      ['timeZone', { timeZone: 'Europe/Atlantis' }],
      ['energyWh', { energyWh: '-1' }],
      ['energyWh', { energyWh: '1e3' }],
      ['startedAt', { startedAt: '2026-03-02 09:00' }],
      ['endedAt', { endedAt: '2026-03-02T10:00:00.0001Z' }],
      ['parkingDurationS', { parkingDurationS: 3601 }],
      ['parkingDurationS', { parkingDurationS: 1.5 }],
      ['parkingDurationS', { kind: 'RIDE', parkingDurationS: 60 }],
    ])('refuses a session with a bad %s', (field, overrides) => {
      const pricing = () => priceSession(aTariff(), aCharge(overrides));
      expect(pricing).toThrow(PricingInputInvalidError);
      try {
        pricing();
      } catch (error) {
        expect((error as PricingInputInvalidError).errors.map((fieldError) => fieldError.field)).toContain(field);
      }
    });
  });

  describe('pricingInputOf', () => {
    const finalized = (overrides: Partial<SessionFinalizedV1>): SessionFinalizedV1 =>
      Object.assign(new (class {})() as SessionFinalizedV1, {
        sessionId: 'b9a4e7a8-4f0e-4f55-9a55-1b1f3b1c2d3e',
        kind: 'CHARGING',
        vehicleId: 'c2f0a1c4-7d7b-4b0e-8f5e-9a3c2b1d0e4f',
        riderId: null,
        stationId: 'd3e1b2c5-8e8c-4c1f-9f6f-ab4d3c2e1f50',
        stationTimeZone: 'Europe/Amsterdam',
        startedAt: '2026-03-02T09:00:00.000Z',
        endedAt: '2026-03-02T10:00:00.000Z',
        durationS: 3600,
        energyWh: '10000',
        energySource: 'TELEMETRY',
        distanceM: '0',
        sampleCount: 12,
        ...overrides,
      });

    it("prices a charge in its station's zone and a ride in the operator's", () => {
      expect(pricingInputOf(finalized({}), 'Europe/London', 600)).toEqual({ ...aCharge(), parkingDurationS: 600 });
      expect(
        pricingInputOf(finalized({ kind: 'RIDE', stationId: null, stationTimeZone: null }), 'Europe/London').timeZone,
      ).toBe('Europe/London');
    });
  });
});
