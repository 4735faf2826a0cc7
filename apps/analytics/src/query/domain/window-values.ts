import type { AnalyticsValue } from '@chargeflow/contracts';
import { exactDecimal, exactMoney, exactSumOf } from './figures';

const COLON = 58;

/** How a metric's values are written: counts and seconds as integers, decimals exact, money with at least two decimals. */
export type ValueFormat = 'integer' | 'decimal' | 'money';

/**
 * A group's value in each of `windows` windows from its parts, `"<window> <part>;<window> <part>;..."`:
 * each part one rollup row (with its sign) or one session of a partial edge, as the database wrote
 * it, or `"<window>:{<part>,<part>,...}"`, a packed row's months, one part for each window from
 * `<window>` on. A window without parts has the metric's zero, `empty`. Parts of the same window are
 * added exactly (to 60 significant digits, as every figure); a window of one part (a metric of one
 * kind in a month of a UTC-aligned zone, or of a station, which only charges) is only rewritten, not
 * parsed into a decimal, which is what keeps a series of thousands of windows cheap.
 */
export function windowValuesOf(
  parts: string | null,
  format: ValueFormat,
  windows: number,
  empty: AnalyticsValue,
): AnalyticsValue[] {
  const values = new Array<AnalyticsValue>(windows).fill(empty);
  if (!parts) return values;
  // Each window's first part as written; the later parts of a window, when it has several.
  const first = new Array<string | undefined>(windows);
  const more = new Map<number, string[]>();
  const add = (window: number, value: string) => {
    if (first[window] === undefined) first[window] = value;
    else {
      const later = more.get(window);
      if (later) later.push(value);
      else more.set(window, [value]);
    }
  };
  let at = 0;
  while (at < parts.length) {
    // The window's index, digit by digit up to its space or colon (no string for it).
    let window = 0;
    for (let digit = parts.charCodeAt(at) - 48; digit >= 0 && digit <= 9; digit = parts.charCodeAt(++at) - 48) {
      window = window * 10 + digit;
    }
    if (parts.charCodeAt(at) === COLON) {
      // ":{a,b,c}": the closing brace ends the run; each element is the next window's.
      const close = parts.indexOf('}', at);
      for (let from = at + 2; from < close; window += 1) {
        let comma = parts.indexOf(',', from);
        if (comma < 0 || comma > close) comma = close;
        add(window, parts.slice(from, comma));
        from = comma + 1;
      }
      at = close + 2;
      continue;
    }
    let end = parts.indexOf(';', at);
    if (end < 0) end = parts.length;
    add(window, parts.slice(at + 1, end));
    at = end + 1;
  }
  for (let window = 0; window < windows; window += 1) {
    const value = first[window];
    if (value === undefined) continue;
    const others = more.get(window);
    values[window] = others ? summed([value, ...others], format) : written(value, format);
  }
  return values;
}

function written(value: string, format: ValueFormat): AnalyticsValue {
  if (format === 'integer') return Number(value);
  const trimmed = withoutTrailingZeros(value);
  if (format === 'decimal') return trimmed;
  const point = trimmed.indexOf('.');
  const decimals = point < 0 ? 0 : trimmed.length - point - 1;
  return decimals >= 2 ? trimmed : `${point < 0 ? `${trimmed}.` : trimmed}${'0'.repeat(2 - decimals)}`;
}

function summed(summands: string[], format: ValueFormat): AnalyticsValue {
  if (format === 'integer') return summands.reduce((sum, value) => sum + Number(value), 0);
  const sum = exactSumOf(summands);
  return format === 'decimal' ? exactDecimal(sum) : exactMoney(sum);
}

/** "120.500" -> "120.5", "3.000" -> "3", "0.000" -> "0": a numeric's text with the scale it needs. */
function withoutTrailingZeros(value: string): string {
  if (!value.includes('.')) return value;
  let end = value.length;
  while (value.charCodeAt(end - 1) === 48) end -= 1;
  if (value.charCodeAt(end - 1) === 46) end -= 1;
  return value.slice(0, end);
}
