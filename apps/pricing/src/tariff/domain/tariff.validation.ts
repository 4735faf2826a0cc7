import Decimal from 'decimal.js';
import { SessionKinds, type RpcFieldError } from '@chargeflow/contracts';
import { isValidTimeZone } from './local-time';
import { isKnownCurrency, minorUnitDigits } from './money';
import { DaysOfWeek, ReservationRestrictions, RestrictionKeys, TariffDimensions, type Tariff } from './tariff';
import { TariffInvalidError } from './tariff.errors';
import { withDecimalStrings } from './tariff-numbers';

/** At most 9 decimals: kWh bounds then land exactly on the µWh the engine tracks energy in. */
const DECIMAL = /^-?\d{1,15}(\.\d{1,9})?$/;
const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
const YYYY_MM_DD = /^\d{4}-\d{2}-\d{2}$/;
const BOUNDS: readonly { min: string; max: string; kind: 'decimal' | 'seconds' }[] = [
  { min: 'min_kwh', max: 'max_kwh', kind: 'decimal' },
  { min: 'min_power', max: 'max_power', kind: 'decimal' },
  { min: 'min_current', max: 'max_current', kind: 'decimal' },
  { min: 'min_duration', max: 'max_duration', kind: 'seconds' },
];

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Every reason a tariff document cannot be priced, each naming its field (`elements[0].price_components[1].step_size`).
 * Empty means valid. `timeZone`, when given, is the zone the tariff will be evaluated in. Decimals are
 * judged in their exact decimal form, OCPI's JSON numbers included (see tariff-numbers.ts).
 */
export function validateTariff(sent: unknown, context: { timeZone?: string } = {}): RpcFieldError[] {
  const document = withDecimalStrings(sent);
  const errors: RpcFieldError[] = [];
  const fail: Fail = (field, message) => {
    errors.push({ field, message });
    return false;
  };

  if (context.timeZone !== undefined && !isValidTimeZone(context.timeZone))
    fail('timeZone', 'must be an IANA time zone');
  if (!isRecord(document)) {
    fail('tariff', 'must be an object');
    return errors;
  }
  if (typeof document.id !== 'string' || document.id === '') fail('id', 'must be a non-empty string');
  if (!Number.isInteger(document.version) || (document.version as number) < 1)
    fail('version', 'must be a positive integer');

  const currency =
    typeof document.currency === 'string' && isKnownCurrency(document.currency) ? document.currency : null;
  if (currency === null) fail('currency', 'must be an ISO 4217 currency with a known minor unit');

  const appliesTo = document.appliesTo;
  const kind =
    isRecord(appliesTo) && SessionKinds.includes(appliesTo.kind as never) ? (appliesTo.kind as string) : null;
  if (kind === null) fail('appliesTo.kind', `must be one of ${SessionKinds.join(', ')}`);
  if (isRecord(appliesTo) && appliesTo.stationId !== undefined && typeof appliesTo.stationId !== 'string')
    fail('appliesTo.stationId', 'must be a string');

  if (!Array.isArray(document.elements) || document.elements.length === 0)
    fail('elements', 'must be a non-empty array');
  else document.elements.forEach((element, index) => validateElement(element, `elements[${index}]`, kind, fail));

  validatePriceLimits(document, currency, fail);
  return errors;
}

/**
 * The tariff, typed, with every decimal a string (JSON numbers converted exactly), or a
 * TariffInvalidError listing every bad field.
 */
export function parseTariff(document: unknown, context: { timeZone?: string } = {}): Tariff {
  const errors = validateTariff(document, context);
  if (errors.length > 0) throw new TariffInvalidError(errors);
  return withDecimalStrings(document) as Tariff;
}

/** Records a field error; returns false so a check can `return fail(...)`. */
type Fail = (field: string, message: string) => false;

function validateElement(element: unknown, path: string, kind: string | null, fail: Fail): void {
  if (!isRecord(element)) {
    fail(path, 'must be an object');
    return;
  }
  const components = element.price_components;
  if (!Array.isArray(components) || components.length === 0)
    fail(`${path}.price_components`, 'must be a non-empty array');
  else
    components.forEach((component, index) =>
      validateComponent(component, `${path}.price_components[${index}]`, kind, fail),
    );
  if (element.restrictions !== undefined) validateRestrictions(element.restrictions, `${path}.restrictions`, fail);
}

function validateComponent(component: unknown, path: string, kind: string | null, fail: Fail): void {
  if (!isRecord(component)) {
    fail(path, 'must be an object');
    return;
  }
  if (!TariffDimensions.includes(component.type as never))
    fail(`${path}.type`, `must be one of ${TariffDimensions.join(', ')}`);
  // A ride is never plugged in, so a parking price on it could only be a mistake.
  if (component.type === 'PARKING_TIME' && kind === 'RIDE')
    fail(`${path}.type`, 'PARKING_TIME cannot price a RIDE tariff');
  checkDecimal(component.price, `${path}.price`, fail);
  if (component.vat !== undefined && checkDecimal(component.vat, `${path}.vat`, fail)) {
    if (new Decimal(component.vat as string).gt(100)) fail(`${path}.vat`, 'must be a percentage of at most 100');
  }
  if (!Number.isSafeInteger(component.step_size) || (component.step_size as number) <= 0)
    fail(`${path}.step_size`, 'must be a positive integer');
}

function validateRestrictions(restrictions: unknown, path: string, fail: Fail): void {
  if (!isRecord(restrictions)) {
    fail(path, 'must be an object');
    return;
  }
  for (const key of Object.keys(restrictions)) {
    if (!RestrictionKeys.includes(key as never)) fail(`${path}.${key}`, 'is not a restriction this engine supports');
  }
  const { start_time, end_time, start_date, end_date, day_of_week, reservation } = restrictions;
  if (reservation !== undefined && !ReservationRestrictions.includes(reservation as never))
    fail(`${path}.reservation`, `must be one of ${ReservationRestrictions.join(', ')}`);
  for (const [key, value] of [
    ['start_time', start_time],
    ['end_time', end_time],
  ] as const) {
    if (value !== undefined && !(typeof value === 'string' && HH_MM.test(value)))
      fail(`${path}.${key}`, 'must be a local time "HH:MM"');
  }
  // OCPI gives no meaning to an empty window, so refuse it rather than guess "never" or "always".
  if (start_time !== undefined && start_time === end_time) fail(`${path}.end_time`, 'must differ from start_time');
  for (const [key, value] of [
    ['start_date', start_date],
    ['end_date', end_date],
  ] as const) {
    if (value !== undefined && !isCalendarDate(value)) fail(`${path}.${key}`, 'must be a local date "YYYY-MM-DD"');
  }
  if (isCalendarDate(start_date) && isCalendarDate(end_date) && start_date >= end_date)
    fail(`${path}.end_date`, 'must be after start_date (it is exclusive)');
  if (day_of_week !== undefined) {
    if (!Array.isArray(day_of_week)) fail(`${path}.day_of_week`, 'must be an array');
    else
      day_of_week.forEach((day, index) => {
        if (!DaysOfWeek.includes(day as never))
          fail(`${path}.day_of_week[${index}]`, `must be one of ${DaysOfWeek.join(', ')}`);
      });
  }
  for (const bound of BOUNDS) {
    const min = restrictions[bound.min];
    const max = restrictions[bound.max];
    const check = bound.kind === 'seconds' ? checkSeconds : checkDecimal;
    const minOk = min !== undefined && check(min, `${path}.${bound.min}`, fail);
    const maxOk = max !== undefined && check(max, `${path}.${bound.max}`, fail);
    if (minOk && maxOk && new Decimal(min as Decimal.Value).gte(max as Decimal.Value))
      fail(`${path}.${bound.max}`, `must be above ${bound.min}`);
  }
}

function validatePriceLimits(document: Json, currency: string | null, fail: Fail): void {
  const limits = (['min_price', 'max_price'] as const).map((key) => {
    const price = document[key];
    if (price === undefined) return null;
    if (!isRecord(price)) return fail(key, 'must be a Price object') || null;
    const exclOk = checkMoney(price.excl_vat, `${key}.excl_vat`, currency, fail);
    if (
      price.incl_vat !== undefined &&
      checkMoney(price.incl_vat, `${key}.incl_vat`, currency, fail) &&
      exclOk &&
      new Decimal(price.incl_vat as string).lt(price.excl_vat as string)
    ) {
      fail(`${key}.incl_vat`, 'must not be below excl_vat');
    }
    return exclOk ? new Decimal(price.excl_vat as string) : null;
  });
  const [min, max] = limits;
  if (min && max && min.gt(max)) fail('min_price', 'must not be above max_price');
}

/** True when valid; otherwise records why and returns false. */
function checkDecimal(value: unknown, field: string, fail: Fail): boolean {
  if (typeof value !== 'string' || !DECIMAL.test(value))
    return fail(field, 'must be a decimal (a string or a JSON number) of at most 15 digits and 9 decimals');
  if (new Decimal(value).lt(0)) return fail(field, 'must not be negative');
  return true;
}

/** A price limit is an amount a customer pays, so it is in whole minor units. */
function checkMoney(value: unknown, field: string, currency: string | null, fail: Fail): boolean {
  if (!checkDecimal(value, field, fail)) return false;
  if (currency !== null && new Decimal(value as string).decimalPlaces() > minorUnitDigits(currency))
    return fail(field, `must have at most ${minorUnitDigits(currency)} decimals in ${currency}`);
  return true;
}

function checkSeconds(value: unknown, field: string, fail: Fail): boolean {
  if (!Number.isSafeInteger(value) || (value as number) < 0)
    return fail(field, 'must be a whole number of seconds, not negative');
  return true;
}

function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string' || !YYYY_MM_DD.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value);
}
