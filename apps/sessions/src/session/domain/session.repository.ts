import type { ActiveSessions } from './one-active-session.policy';
import type { SessionKind } from '@chargeflow/contracts';
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
  /** The sessions Active now on `session`'s vehicle and station: what a refused start is named by. */
  activeSessions(tx: Transaction, session: SessionSnapshot): Promise<ActiveSessions>;
  /**
   * Inserts a started session with its events, unless its vehicle or station already has an Active
   * session (the database's partial unique indexes decide, under concurrency too); resolves whether it did.
   */
  insertStarted(tx: Transaction, session: Session): Promise<boolean>;
  /** The one write a session gets after its start: Active to Finalized, with its totals. */
  saveFinalized(tx: Transaction, session: Session): Promise<void>;
  /**
   * Records, before the seal is asked for, that an end of this Active session was requested (and
   * attempted now), so the end completes even if this process dies or stops waiting after the seal.
   */
  recordEndRequest(tx: Transaction, id: string): Promise<void>;
  /**
   * Takes up to `limit` Active sessions whose end was last attempted more than `afterMs` ago and
   * marks them attempted now: concurrent callers never take the same session within `afterMs`.
   */
  claimPendingEnds(tx: Transaction, afterMs: number, limit: number): Promise<PendingEnd[]>;
}

/** An end that was asked for and has not finalized its session yet, with what running it again needs. */
export interface PendingEnd {
  sessionId: string;
  kind: SessionKind;
  correlationId: string | null;
}

export const SESSION_REPOSITORY = Symbol('SESSION_REPOSITORY');
