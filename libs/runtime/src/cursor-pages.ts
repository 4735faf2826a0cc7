import { DEFAULT_PAGE_SIZE, DomainError, type Page } from '@chargeflow/contracts';

export class InvalidCursorError extends DomainError {
  readonly code = 'INVALID_CURSOR';

  constructor() {
    super('the cursor is not one this list handed out');
  }
}

/** A position in a list ordered newest first: the sort instant and the id that breaks ties. */
export interface Position {
  at: Date;
  id: string;
}

export function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify([position.at.toISOString(), position.id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): Position | null {
  if (!cursor) return null;
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const instant = new Date(at);
    if (Number.isNaN(instant.getTime()) || typeof id !== 'string') throw new InvalidCursorError();
    return { at: instant, id };
  } catch {
    throw new InvalidCursorError();
  }
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
