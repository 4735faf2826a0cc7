import { formatMoney, minorUnitDigits, roundMoney } from './money';
import { UnknownCurrencyError } from './tariff.errors';

describe('money', () => {
  it.each([
    ['EUR', '0.125', '0.12'],
    ['EUR', '0.135', '0.14'],
    ['EUR', '-0.125', '-0.12'],
    ['EUR', '2', '2.00'],
    ['JPY', '12.5', '12'],
    ['JPY', '13.5', '14'],
    ['KWD', '1.0005', '1.000'],
    ['KWD', '1.0015', '1.002'],
  ])('rounds %s %s half to even, to %s', (currency, amount, expected) => {
    expect(formatMoney(roundMoney(amount, currency), currency)).toBe(expected);
  });

  it('knows the minor units of the currencies it bills in', () => {
    expect([minorUnitDigits('EUR'), minorUnitDigits('JPY'), minorUnitDigits('BHD')]).toEqual([2, 0, 3]);
  });

  it('refuses a currency it has no minor unit for', () => {
    expect(() => minorUnitDigits('XAU')).toThrow(UnknownCurrencyError);
    expect(() => minorUnitDigits('eur')).toThrow(UnknownCurrencyError);
  });
});
