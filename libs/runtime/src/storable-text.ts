import { QueryFailedError } from 'typeorm';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Makes any text storable: PostgreSQL text cannot hold NUL, UTF-8 cannot hold a lone surrogate, and an
 * index cannot hold an arbitrarily long key. What a device sends must not be able to make its record unstorable.
 */
export function storable<T extends string | null>(text: T, maxLength: number): T {
  if (text === null) return text;
  const bounded = text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
  return bounded.replace(LONE_SURROGATE, '\uFFFD').replace(/\u0000/g, '\uFFFD') as T;
}

/**
 * A PostgreSQL error caused by what a row holds (a data exception, a constraint, a key beyond a limit),
 * as opposed to an outage: the row is at fault, and the rows beside it can still be stored.
 */
export function isContentError(error: unknown): boolean {
  const code = error instanceof QueryFailedError ? (error.driverError as { code?: string }).code : undefined;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23') || code.startsWith('54'));
}
