/** What canonical JSON accepts: plain JSON values; `undefined` properties are left out, as JSON does. */
export type JsonValue = string | number | boolean | null | undefined | JsonValue[] | { [key: string]: JsonValue };

/**
 * JSON with object keys sorted (by UTF-16 code units) and no whitespace, so equal values give
 * byte-identical text: the form input hashes are taken over.
 */
export function canonicalJson(value: JsonValue): string {
  if (value === undefined) throw new TypeError('canonical JSON has no undefined value');
  if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError(`canonical JSON has no number ${value}`);
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  const members = Object.keys(value)
    .filter((key) => value[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`);
  return `{${members.join(',')}}`;
}
