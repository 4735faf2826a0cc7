import { Exact } from './money';
import { shareOfAdjustment } from './price-limit';

const taxables = (entries: Record<string, string>) =>
  new Map(Object.entries(entries).map(([rate, taxable]) => [rate, new Exact(taxable)]));
const shown = (shares: { rate: string; amount: Exact }[]) =>
  shares.map((share) => [share.rate, share.amount.toFixed(2)]);

describe('sharing a min/max price adjustment over VAT rates', () => {
  it('splits it pro rata over the taxable amounts, the unit left over to the largest remainder', () => {
    // 1.40 over 3.00 at 21 % and 0.60 at 9 %: 116.67 and 23.33 cents; the leftover cent goes to 21 %.
    expect(
      shown(shareOfAdjustment(new Exact('1.40'), taxables({ '21': '3.00', '9': '0.60' }), ['21', '9'], 2)),
    ).toEqual([
      ['9', '0.23'],
      ['21', '1.17'],
    ]);
  });

  it('shares a reduction the same way, rounding magnitudes, over three rates', () => {
    // -1.00 over 4.50 / 1.00 / 0.50: 75, 16.67 and 8.33 cents; the leftover cent goes to 9 %.
    const shares = shareOfAdjustment(new Exact('-1.00'), taxables({ '21': '4.50', '9': '1.00', '0': '0.50' }), [], 2);
    expect(shown(shares)).toEqual([
      ['0', '-0.08'],
      ['9', '-0.17'],
      ['21', '-0.75'],
    ]);
  });

  it('gives a tie to the higher rate and leaves out rates whose part is zero', () => {
    expect(shown(shareOfAdjustment(new Exact('0.01'), taxables({ '9': '1.00', '21': '1.00' }), [], 2))).toEqual([
      ['21', '0.01'],
    ]);
  });

  it("puts it all at the tariff's highest rate when nothing is taxable to share by", () => {
    expect(shown(shareOfAdjustment(new Exact('1.00'), taxables({ '9': '0.00' }), ['9', '21', '0'], 2))).toEqual([
      ['21', '1.00'],
    ]);
  });

  it("always adds up to the adjustment exactly and never turns a rate's taxable amount negative (seeded)", () => {
    let seed = 0x5eed;
    const next = (below: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % below;
    };
    for (let run = 0; run < 2_000; run++) {
      const digits = [0, 2, 3][next(3)];
      const unit = new Exact(10).pow(-digits);
      const byRate = new Map<string, Exact>();
      for (const rate of ['0', '5.5', '9', '21', '25'].slice(0, 1 + next(5)))
        byRate.set(rate, unit.times(next(100_000)));
      const total = [...byRate.values()].reduce((sum, taxable) => sum.plus(taxable), new Exact(0));
      const limit = unit.times(next(200_000));
      const shares = shareOfAdjustment(limit.minus(total), byRate, [...byRate.keys()], digits);
      const sum = shares.reduce((acc, share) => acc.plus(share.amount), new Exact(0));
      expect(sum.toFixed()).toBe(limit.minus(total).toFixed());
      for (const share of shares) {
        expect(share.amount.decimalPlaces()).toBeLessThanOrEqual(digits);
        if (total.gt(0)) expect((byRate.get(share.rate) as Exact).plus(share.amount).isNegative()).toBe(false);
      }
    }
  });
});
