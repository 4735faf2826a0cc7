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
  /** The sessions Active now on `session`'s vehicle and station: what a refused start is named by. */
  activeSessions(tx: Transaction, session: SessionSnapshot): Promise<ActiveSessions>;
  /**
   * Inserts a started session with its events, all or nothing. 'refused': its id is taken, or its
   * vehicle or station has an Active session (the database's primary key and partial unique indexes
   * decide, under concurrency too); 'unknown-party': its vehicle, rider or station does not exist.
   */
  insertStarted(tx: Transaction, session: Session): Promise<StartOutcome>;
  /**
   * Records, before the seal is asked for, that an end of this session was requested (and attempted
   * now) if it is an Active session of `kind`, so the end completes even if this process dies or stops
   * waiting after the seal; resolves the session as it was, whatever its kind and state, with its
   * vehicle's battery.
   */
  requestEnd(tx: Transaction, id: string, kind: SessionKind): Promise<EndingSession | null>;
  /** Reads the session and its vehicle's battery and holds both until the transaction ends: ends are serialized per session. */
  lockForEnd(tx: Transaction, id: string): Promise<EndingSession | null>;
  /**
   * The one write a session gets after its start: Active to Finalized with its totals and events, and
   * its vehicle's battery at `vehicleEnergyWh`, all or nothing, holding both rows as `lockForEnd` does.
   * Only if the session is still Active and the battery still has the level and capacity `readFrom`
   * read (what the new level was computed from); false when either changed, and nothing was written.
   */
  saveFinalized(tx: Transaction, session: Session, vehicleEnergyWh: string, readFrom: EndingSession): Promise<boolean>;
  /**
   * Takes up to `limit` Active sessions whose end was last attempted more than `afterMs` ago and
   * marks them attempted now: concurrent callers never take the same session within `afterMs`.
   */
  claimPendingEnds(tx: Transaction, afterMs: number, limit: number): Promise<PendingEnd[]>;
}

export type StartOutcome = 'started' | 'refused' | 'unknown-party';

/** A session being ended, with the battery of its vehicle (decimal strings of Wh). */
export interface EndingSession {
  session: SessionSnapshot;
  battery: { capacityWh: string; energyWh: string };
}

/** An end that was asked for and has not finalized its session yet, with what running it again needs. */
export interface PendingEnd {
  sessionId: string;
  kind: SessionKind;
  correlationId: string | null;
}

export const SESSION_REPOSITORY = Symbol('SESSION_REPOSITORY');
