import { DEFAULT_PAGE_SIZE, DomainError, type Page } from '@chargeflow/contracts';

export class InvalidCursorError extends DomainError {
  readonly code = 'INVALID_CURSOR';

  constructor() {
    super('the cursor is not one this list handed out');
  }
}

/**
 * A position in a list: the sort instant, as PostgreSQL keeps it (to the microsecond, UTC), and the
 * id that breaks ties. A JavaScript Date keeps only milliseconds, so `at` stays text end to end.
 */
export interface Position {
  at: string;
  id: string;
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The SQL expression of a timestamptz column as a position's `at`: UTC, to the microsecond. */
export function cursorInstant(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

export function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify([position.at, position.id])).toString('base64url');
}

/** A real calendar instant between years 1 and 9999: what a timestamptz column can be compared with. */
function isInstant(text: string): boolean {
  const parts = INSTANT.exec(text);
  if (!parts) return false;
  const [year, month, day, hour, minute, second] = parts.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return (
    year >= 1 &&
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second
  );
}

/** The position a cursor names; anything this code did not hand out is INVALID_CURSOR, never a database error. */
export function decodeCursor(cursor: string | undefined): Position | null {
  if (!cursor) return null;
  let decoded: unknown;
  try {
    decoded = /^[A-Za-z0-9_-]+$/.test(cursor) ? JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) : null;
  } catch {
    throw new InvalidCursorError();
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) throw new InvalidCursorError();
  const [at, id] = decoded as unknown[];
  if (typeof at !== 'string' || typeof id !== 'string' || !isInstant(at) || !UUID.test(id))
    throw new InvalidCursorError();
  return { at, id };
}

export function pageSize(limit: number | undefined): number {
  return limit ?? DEFAULT_PAGE_SIZE;
}

/** Rows fetched with one extra beyond the limit become a page and the cursor of the next one. */
export function toPage<R, V>(rows: R[], limit: number, positionOf: (row: R) => Position, view: (row: R) => V): Page<V> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items: items.map(view), nextCursor: rows.length > limit && last ? encodeCursor(positionOf(last)) : null };
}
