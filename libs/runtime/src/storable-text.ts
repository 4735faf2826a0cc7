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

/**
 * Applies items together (one transaction, one batch); when the database refuses what one of them
 * holds (isContentError), each on its own, so only the ones it refuses are left out and the others
 * are applied. Resolves the refused ones, each with the database's reason. Any other error (an
 * outage) is thrown: the whole batch is then retried.
 */
export async function applyTogetherOrEach<T>(
  items: T[],
  apply: (items: T[]) => Promise<void>,
): Promise<{ item: T; reason: string }[]> {
  if (items.length === 0) return [];
  try {
    await apply(items);
    return [];
  } catch (error) {
    if (!isContentError(error)) throw error;
  }
  const refused: { item: T; reason: string }[] = [];
  for (const item of items) {
    try {
      await apply([item]);
    } catch (error) {
      if (!isContentError(error)) throw error;
      refused.push({ item, reason: (error as Error).message });
    }
  }
  return refused;
}
