import type { SessionKind, SessionView } from '@chargeflow/contracts';
import { oneActiveSessionConflict } from './domain/one-active-session.policy';
import type { Session } from './domain/session.aggregate';
import type { SessionRepository, Transaction } from './domain/session.repository';
import { toSessionView } from './session.view';

/**
 * Saves a new Active session with its events in one statement, relying on the partial unique indexes
 * for "one active session per vehicle and per station"; a refused start is named by the policy.
 */
export async function saveStartedSession(
  tx: Transaction,
  sessions: SessionRepository,
  session: Session,
): Promise<void> {
  if (await sessions.insertStarted(tx, session)) return;
  const snapshot = session.toSnapshot();
  throw oneActiveSessionConflict(snapshot, await sessions.activeSessions(tx, snapshot));
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
