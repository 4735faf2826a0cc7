import type { SessionKind, SessionView } from '@chargeflow/contracts';
import { oneActiveSessionConflict, refusedStartConflict } from './domain/one-active-session.policy';
import type { Session } from './domain/session.aggregate';
import type { SessionRepository, Transaction } from './domain/session.repository';
import { toSessionView } from './session.view';

/** How a refused start is answered, asked only when it is refused (rare), so they cost the hot path nothing. */
export interface StartRefusal {
  /** The session a start retried with its id started, if it is one. */
  earlier(): Promise<SessionView | null>;
  /** Throws the error that names a party of the start that does not exist (a rider, say); else resolves. */
  partiesExist(): Promise<void>;
}

/**
 * Saves a new Active session with its events, in the caller's transaction, if the one-active-session
 * policy lets it start, and resolves its view. A refused start resolves the session it retries, or
 * is refused for a party that does not exist before a conflict is named, as the ride's path answers.
 * For a start that holds its vehicle and station (a charge): the policy is checked first, on what is
 * committed, so a start racing an end of the same vehicle is refused there instead of waiting in the
 * unique index on the end, which waits for the vehicle this start holds. The partial unique indexes
 * still decide under concurrency; a start they refuse is named by the policy. 'unknown-party': a
 * foreign key refused the insert (the transaction can take no other statement), for the caller to name.
 */
export async function saveStartedSession(
  tx: Transaction,
  sessions: SessionRepository,
  session: Session,
  refusal: StartRefusal,
): Promise<SessionView | 'unknown-party'> {
  const snapshot = session.toSnapshot();
  const conflict = oneActiveSessionConflict(snapshot, await sessions.activeSessions(tx, snapshot));
  if (!conflict) {
    const outcome = await sessions.insertStarted(tx, session);
    if (outcome === 'started') return toSessionView(snapshot);
    if (outcome === 'unknown-party') return outcome;
  }
  // Refused: by the policy, or by the insert (its id taken by the start it retries, or a session started in between).
  const retried = await refusal.earlier();
  if (retried) return retried;
  await refusal.partiesExist();
  throw conflict ?? refusedStartConflict(snapshot, await sessions.activeSessions(tx, snapshot));
}

/**
 * The session a start with this id already started, if any: a start retried with its
 * Idempotency-Key (its first answer lost) gets that session back instead of a conflict. Runs under
 * the vehicle's lock (a charge) or after the primary key refused the insert (a ride), so a retry
 * racing the first attempt sees it committed or waits for it.
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
