import Decimal from 'decimal.js';
import { Exact } from './money';

/**
 * How a min_price/max_price adjustment is shared over a record's VAT rates (tariff-engine/2).
 *
 * The adjustment (the limit minus the sum of the rounded net lines) is split pro rata over each rate's
 * taxable amount, in whole minor units: each rate first takes its exact share rounded toward zero, then
 * the units left over go one each to the rates with the largest remainders (a tie to the higher rate),
 * so the parts add up to the adjustment exactly and no rate's taxable amount turns negative. A record
 * with nothing taxable to share by (a free session below min_price) puts it all at the highest rate the
 * tariff carries, so the VAT of a minimum fee is never under-declared. Resolves one adjustment per rate,
 * lowest rate first, zero parts left out.
 */
export function shareOfAdjustment(
  adjustment: Exact,
  taxableByRate: ReadonlyMap<string, Exact>,
  tariffRates: readonly string[],
  minorDigits: number,
): { rate: string; amount: Exact }[] {
  const unit = new Exact(10).pow(-minorDigits);
  const units = adjustment.div(unit);
  const weights = [...taxableByRate.entries()].filter(([, taxable]) => taxable.gt(0));
  const weightTotal = weights.reduce((sum, [, taxable]) => sum.plus(taxable), new Exact(0));
  if (units.isZero()) return [];
  if (weightTotal.isZero()) return [{ rate: highestRate(tariffRates), amount: adjustment }];

  const magnitude = units.abs();
  const shares = weights.map(([rate, taxable]) => {
    const exact = magnitude.times(taxable).div(weightTotal);
    const whole = exact.toDecimalPlaces(0, Decimal.ROUND_DOWN);
    return { rate, whole, remainder: exact.minus(whole) };
  });
  const leftOver = magnitude.minus(shares.reduce((sum, share) => sum.plus(share.whole), new Exact(0))).toNumber();
  const byRemainder = [...shares].sort(
    (left, right) => right.remainder.comparedTo(left.remainder) || new Exact(right.rate).comparedTo(left.rate),
  );
  byRemainder.slice(0, leftOver).forEach((share) => (share.whole = share.whole.plus(1)));
  const sign = adjustment.isNegative() ? -1 : 1;
  return shares
    .filter((share) => !share.whole.isZero())
    .sort((left, right) => new Exact(left.rate).comparedTo(right.rate))
    .map((share) => ({ rate: share.rate, amount: share.whole.times(unit).times(sign) }));
}

function highestRate(rates: readonly string[]): string {
  return rates.reduce((highest, rate) => (new Exact(rate).gt(highest) ? rate : highest), '0');
}
