import { decodeCursor, InvalidCursorError, type Position } from '@chargeflow/runtime';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The (endedAt, sessionId) a page of sessions resumes after; only positions this service handed out. */
export function sessionPositionOf(cursor: string | undefined): Position | null {
  const position = decodeCursor(cursor);
  if (position && !UUID.test(position.id)) throw new InvalidCursorError();
  return position;
}
