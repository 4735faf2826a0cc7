import Decimal from 'decimal.js';
import { UnknownCurrencyError } from './tariff.errors';

/**
 * The engine's own decimal: 60 significant digits, so every intermediate is exact or off by far less
 * than any minor unit. A clone, so the engine never changes the global Decimal other code relies on.
 */
export const Exact = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -60, toExpPos: 60 });
export type Exact = Decimal;

/** ISO 4217 minor-unit digits of the currencies ChargeFlow bills in; anything else is refused. */
const MINOR_UNITS: Readonly<Record<string, number>> = {
  EUR: 2,
  USD: 2,
  GBP: 2,
  CHF: 2,
  SEK: 2,
  NOK: 2,
  DKK: 2,
  PLN: 2,
  CZK: 2,
  HUF: 2,
  RON: 2,
  CAD: 2,
  AUD: 2,
  NZD: 2,
  JPY: 0,
  KRW: 0,
  ISK: 0,
  BHD: 3,
  KWD: 3,
  JOD: 3,
};

export function isKnownCurrency(currency: string): boolean {
  return Object.hasOwn(MINOR_UNITS, currency);
}

export function minorUnitDigits(currency: string): number {
  if (!isKnownCurrency(currency)) throw new UnknownCurrencyError(currency);
  return MINOR_UNITS[currency];
}

/** tariff-engine/1's rounding rule for money: to the currency's minor unit, half to even. */
export function roundMoney(amount: Decimal.Value, currency: string): Exact {
  return new Exact(amount).toDecimalPlaces(minorUnitDigits(currency), Decimal.ROUND_HALF_EVEN);
}

/**
 * tariff-engine/2's rounding rule (EN 16931 leaves ties open): to the currency's minor unit, ties away
 * from zero, as commercial rounding does (0.525 -> 0.53, -0.525 -> -0.53).
 */
export function roundMoneyCommercially(amount: Decimal.Value, currency: string): Exact {
  return new Exact(amount).toDecimalPlaces(minorUnitDigits(currency), Decimal.ROUND_HALF_UP);
}

/** A rounded amount as it travels: exactly the minor-unit digits ("1.50", "120", "0.125"). */
export function formatMoney(amount: Exact, currency: string): string {
  return amount.toFixed(minorUnitDigits(currency));
}
