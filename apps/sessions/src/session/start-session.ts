import type { SessionKind, SessionView } from '@chargeflow/contracts';
import { checkOneActiveSession } from './domain/one-active-session.policy';
import type { Session } from './domain/session.aggregate';
import type { SessionRepository, Transaction } from './domain/session.repository';
import { toSessionView } from './session.view';

/**
 * Saves a new Active session with its events, if the one-active-session policy lets it start. The
 * callers hold the vehicle's row (and a charge's station's), so no other start can slip in between.
 */
export async function saveStartedSession(
  tx: Transaction,
  sessions: SessionRepository,
  session: Session,
): Promise<void> {
  const snapshot = session.toSnapshot();
  checkOneActiveSession(snapshot, await sessions.activeSessions(tx, snapshot));
  await sessions.insertStarted(tx, session);
}

/**
 * The session a start with this id already started, if any: a start retried with its
 * Idempotency-Key (its first answer lost) gets that session back instead of a conflict. Runs under
 * the vehicle's lock, so a retry racing the first attempt sees it committed or waits for it.
 */
export async function startedEarlier(
  tx: Transaction,
  sessions: SessionRepository,
  id: string | undefined,
  expected: { kind: SessionKind; vehicleId: string },
): Promise<SessionView | null> {
  if (!id) return null;
  const session = await sessions.findById(tx, id);
  if (!session) return null;
  if (session.kind !== expected.kind || session.vehicleId !== expected.vehicleId) {
    throw new Error(`session id ${id} belongs to another start`);
  }
  return toSessionView(session);
}
