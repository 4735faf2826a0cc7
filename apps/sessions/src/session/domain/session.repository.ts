import type { ActiveSessions } from './one-active-session.policy';
import type { Session, SessionSnapshot } from './session.aggregate';

/** The caller's open transaction of the sessions database, passed through: only infrastructure/ looks inside. */
export type Transaction = object;

/** The sessions database: sessions, the vehicles and stations they stand on, and the outbox. */
export interface SessionsDatabase {
  /** Runs `work` in one transaction: it commits when `work` resolves and rolls back when it throws. */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  /** No transaction: each statement commits on its own, for reads that lock nothing. */
  readonly autocommit: Transaction;
}

export const SESSIONS_DATABASE = Symbol('SESSIONS_DATABASE');

/**
 * The port: sessions, read and written in the caller's transaction. A write takes the events the
 * session recorded to the outbox in that same transaction.
 */
export interface SessionRepository {
  findById(tx: Transaction, id: string): Promise<SessionSnapshot | null>;
  /** Reads the session and holds its row until the transaction ends: ends are serialized per session. */
  lockById(tx: Transaction, id: string): Promise<SessionSnapshot | null>;
  /** What the one-active-session policy decides a start of `session` on. */
  activeSessions(tx: Transaction, session: SessionSnapshot): Promise<ActiveSessions>;
  /** Inserts a started session; when the database's own guard of the policy refuses it, throws the policy's error. */
  insertStarted(tx: Transaction, session: Session): Promise<void>;
  /** The one write a session gets after its start: Active to Finalized, with its totals. */
  saveFinalized(tx: Transaction, session: Session): Promise<void>;
}

export const SESSION_REPOSITORY = Symbol('SESSION_REPOSITORY');
