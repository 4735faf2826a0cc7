import Decimal from 'decimal.js';

/** The decimal fields of an OCPI 2.2.1 tariff that OCPI sends as JSON numbers. */
const COMPONENT_DECIMALS = ['price', 'vat'] as const;
const RESTRICTION_DECIMALS = ['min_kwh', 'max_kwh', 'min_power', 'max_power', 'min_current', 'max_current'] as const;
const PRICE_DECIMALS = ['excl_vat', 'incl_vat'] as const;

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A JSON number as the decimal it was written as: its shortest round-trip form (String(n), which is
 * how JSON.parse's double prints back), parsed as a decimal, never through float arithmetic. 0.1 is
 * "0.1", 1e-9 is "0.000000001", 0.30000000000000004 stays "0.30000000000000004" (and is then refused
 * for its decimals). Anything else is returned unchanged for validation to judge.
 */
export function decimalOfJsonNumber(value: unknown): unknown {
  if (typeof value !== 'number' || !Number.isFinite(value)) return value;
  return new Decimal(String(value)).toFixed();
}

function withDecimals(record: unknown, keys: readonly string[]): unknown {
  if (!isRecord(record)) return record;
  const converted: Json = { ...record };
  for (const key of keys) if (key in converted) converted[key] = decimalOfJsonNumber(converted[key]);
  return converted;
}

/**
 * The tariff document with every OCPI decimal field that came as a JSON number turned into its exact
 * decimal string; the rest is left as sent, so validation still names whatever is wrong.
 */
export function withDecimalStrings(document: unknown): unknown {
  if (!isRecord(document)) return document;
  const converted: Json = { ...document };
  if (Array.isArray(document.elements))
    converted.elements = document.elements.map((element: unknown) => {
      if (!isRecord(element)) return element;
      const copy: Json = { ...element };
      if (Array.isArray(element.price_components))
        copy.price_components = element.price_components.map((component: unknown) =>
          withDecimals(component, COMPONENT_DECIMALS),
        );
      if (element.restrictions !== undefined)
        copy.restrictions = withDecimals(element.restrictions, RESTRICTION_DECIMALS);
      return copy;
    });
  for (const key of ['min_price', 'max_price'])
    if (document[key] !== undefined) converted[key] = withDecimals(document[key], PRICE_DECIMALS);
  return converted;
}
