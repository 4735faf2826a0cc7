import { priceSession } from './tariff-pricing';
import { LEGACY_ENGINE_VERSION } from './tariff-pricing';
import { aCharge, aTariff, anElement, energy, flat, time } from './tariff.test-builders';

/** tariff-engine/2: VAT per rate on the sum of the rounded net lines (EN 16931 BR-CO-17), ties away from zero. */
describe('VAT as EN 16931 computes it', () => {
  const issueExample = aTariff({ elements: [anElement([flat('0.50', { vat: '21' }), energy('0.25', { vat: '21' })])] });

  it('taxes 0.50 FLAT + 2.50 ENERGY at 21 % as one taxable 3.00: VAT 0.63, 3.63 in all (per line it was 3.62)', () => {
    const record = priceSession(issueExample, aCharge());
    expect(record.lineItems.map((line) => [line.type, line.amountExclVat, line.vat])).toEqual([
      ['FLAT', '0.50', '21'],
      ['ENERGY', '2.50', '21'],
    ]);
    expect(record.vatBreakdown).toEqual([{ rate: '21', taxable: '3.00', vat: '0.63' }]);
    expect(record).toMatchObject({ totalExclVat: '3.00', totalVat: '0.63', totalInclVat: '3.63' });
    expect(priceSession(issueExample, aCharge(), LEGACY_ENGINE_VERSION)).toMatchObject({
      engineVersion: 'tariff-engine/1',
      totalVat: '0.62',
      totalInclVat: '3.62',
    });
  });

  it('keeps the VAT off the lines: a line has its net amount and its rate only', () => {
    for (const line of priceSession(issueExample, aCharge()).lineItems) {
      expect(Object.keys(line).sort()).toEqual(
        ['amountExclVat', 'billedVolume', 'elementIndex', 'periods', 'type', 'unitPrice', 'vat', 'volume'].sort(),
      );
    }
  });

  it('gives each rate of one record its own taxable amount and VAT, lowest rate first', () => {
    const tariff = aTariff({
      elements: [anElement([energy('0.333', { vat: '21' }), time('1.111', { vat: '9' }), flat('0.005')])],
    });
    const record = priceSession(tariff, aCharge());
    // FLAT 0.005 -> 0.01 (a tie, away from zero) at 0 %; TIME 1.111 -> 1.11 at 9 %; ENERGY 3.33 at 21 %.
    expect(record.vatBreakdown).toEqual([
      { rate: '0', taxable: '0.01', vat: '0.00' },
      { rate: '9', taxable: '1.11', vat: '0.10' },
      { rate: '21', taxable: '3.33', vat: '0.70' },
    ]);
    expect(record).toMatchObject({ totalExclVat: '4.45', totalVat: '0.80', totalInclVat: '5.25' });
  });

  it('sums the lines of one rate before taxing them: two lines at 9 % and two at 21 %', () => {
    const tariff = aTariff({
      elements: [
        anElement([energy('0.105', { vat: '21' }), time('0.05', { vat: '9' })], { max_kwh: '5' }),
        anElement([energy('0.105', { vat: '21' }), time('0.05', { vat: '9' })]),
      ],
    });
    const record = priceSession(tariff, aCharge());
    // ENERGY 5 kWh x 0.105 = 0.525 -> 0.53 twice; TIME 0.5 h x 0.05 = 0.025 -> 0.03 twice (ties away from zero).
    expect(record.lineItems.map((line) => [line.type, line.amountExclVat, line.vat])).toEqual([
      ['ENERGY', '0.53', '21'],
      ['ENERGY', '0.53', '21'],
      ['TIME', '0.03', '9'],
      ['TIME', '0.03', '9'],
    ]);
    // 21 %: 1.06 x 0.21 = 0.2226 -> 0.22 (per line 0.1113 -> 0.11 twice, also 0.22); 9 %: 0.06 x 0.09 = 0.0054 -> 0.01.
    expect(record.vatBreakdown).toEqual([
      { rate: '9', taxable: '0.06', vat: '0.01' },
      { rate: '21', taxable: '1.06', vat: '0.22' },
    ]);
    expect(record).toMatchObject({ totalExclVat: '1.12', totalVat: '0.23', totalInclVat: '1.35' });
  });

  it('rounds a VAT tie away from zero: 2.50 at 21 % is 0.525, so 0.53', () => {
    const record = priceSession(aTariff({ elements: [anElement([energy('0.25', { vat: '21' })])] }), aCharge());
    expect(record.vatBreakdown).toEqual([{ rate: '21', taxable: '2.50', vat: '0.53' }]);
    expect(record.totalInclVat).toBe('3.03');
  });

  it('taxes a clamped total as the limit: the adjustment line joins its rate', () => {
    const tariff = aTariff({
      elements: [anElement([energy('0.30', { vat: '20' })])],
      max_price: { excl_vat: '2.50', incl_vat: '3.00' },
    });
    const record = priceSession(tariff, aCharge());
    expect(record.lineItems[1]).toEqual({
      type: 'MAX_PRICE',
      elementIndex: null,
      volume: '1',
      billedVolume: '1',
      unitPrice: '-0.50',
      amountExclVat: '-0.50',
      vat: '20',
      periods: [],
    });
    expect(record.vatBreakdown).toEqual([{ rate: '20', taxable: '2.50', vat: '0.50' }]);
    expect(record).toMatchObject({ totalExclVat: '2.50', totalVat: '0.50', totalInclVat: '3.00' });
  });

  describe('min_price / max_price over several VAT rates: the adjustment shared pro rata, one line per rate', () => {
    const adjustments = (record: ReturnType<typeof priceSession>) =>
      record.lineItems
        .filter((line) => line.type === 'MIN_PRICE' || line.type === 'MAX_PRICE')
        .map((line) => [line.type, line.amountExclVat, line.vat]);

    it('lifts 3.00 at 21 % + 0.60 at 9 % to a 5.00 minimum: +1.17 at 21 %, +0.23 at 9 % (the README example)', () => {
      const tariff = aTariff({
        elements: [anElement([energy('0.30', { vat: '21' }), time('0.60', { vat: '9' })])],
        min_price: { excl_vat: '5.00' },
      });
      const record = priceSession(tariff, aCharge());
      expect(adjustments(record)).toEqual([
        ['MIN_PRICE', '0.23', '9'],
        ['MIN_PRICE', '1.17', '21'],
      ]);
      // 21 %: 4.17 x 0.21 = 0.8757 -> 0.88; 9 %: 0.83 x 0.09 = 0.0747 -> 0.07.
      expect(record.vatBreakdown).toEqual([
        { rate: '9', taxable: '0.83', vat: '0.07' },
        { rate: '21', taxable: '4.17', vat: '0.88' },
      ]);
      expect(record).toMatchObject({ totalExclVat: '5.00', totalVat: '0.95', totalInclVat: '5.95' });
    });

    it('caps 4.50 at 21 % + 1.00 at 9 % + 0.50 at 0 % at 5.00: -0.75, -0.17, -0.08', () => {
      const tariff = aTariff({
        elements: [anElement([energy('0.45', { vat: '21' }), time('1.00', { vat: '9' }), flat('0.50')])],
        max_price: { excl_vat: '5.00' },
      });
      const record = priceSession(tariff, aCharge());
      expect(adjustments(record)).toEqual([
        ['MAX_PRICE', '-0.08', '0'],
        ['MAX_PRICE', '-0.17', '9'],
        ['MAX_PRICE', '-0.75', '21'],
      ]);
      expect(record.vatBreakdown).toEqual([
        { rate: '0', taxable: '0.42', vat: '0.00' },
        { rate: '9', taxable: '0.83', vat: '0.07' },
        { rate: '21', taxable: '3.75', vat: '0.79' },
      ]);
      expect(record).toMatchObject({ totalExclVat: '5.00', totalVat: '0.86', totalInclVat: '5.86' });
    });

    it("charges a minimum on a session with nothing to share by at the tariff's highest rate", () => {
      const tariff = aTariff({
        elements: [anElement([energy('0.30', { vat: '21' }), time('0', { vat: '9' })])],
        min_price: { excl_vat: '1.00' },
      });
      const record = priceSession(tariff, aCharge({ energyWh: '0' }));
      expect(adjustments(record)).toEqual([['MIN_PRICE', '1.00', '21']]);
      expect(record).toMatchObject({ totalExclVat: '1.00', totalVat: '0.21', totalInclVat: '1.21' });
    });

    it('keeps the breakdown summing to the totals on every record it prices', () => {
      for (const energyWh of ['0', '1', '2500', '10000', '33333', '80000'])
        for (const limits of [{ min_price: { excl_vat: '4.99' } }, { max_price: { excl_vat: '7.01' } }]) {
          const tariff = aTariff({
            elements: [anElement([energy('0.333', { vat: '21' }), time('0.777', { vat: '9' }), flat('0.35')])],
            ...limits,
          });
          const record = priceSession(tariff, aCharge({ energyWh }));
          const sum = (pick: (entry: { taxable: string; vat: string }) => string) =>
            record.vatBreakdown!.reduce((total, entry) => total + Math.round(Number(pick(entry)) * 100), 0);
          expect(sum((entry) => entry.taxable)).toBe(Math.round(Number(record.totalExclVat) * 100));
          expect(sum((entry) => entry.vat)).toBe(Math.round(Number(record.totalVat) * 100));
          const lines = record.lineItems.reduce(
            (total, line) => total + Math.round(Number(line.amountExclVat) * 100),
            0,
          );
          expect(lines).toBe(Math.round(Number(record.totalExclVat) * 100));
        }
    });
  });
});
