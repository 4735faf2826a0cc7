import { Inject } from '@nestjs/common';
import type { SessionKind, SessionView } from '@chargeflow/contracts';
import { Battery } from '../fleet/domain/battery';
import { Session, type SealedLedger } from './domain/session.aggregate';
import { SessionAlreadyFinalizedError, SessionNotFoundError } from './domain/session.errors';
import {
  SESSION_REPOSITORY,
  SESSIONS_DATABASE,
  type EndingSession,
  type SessionRepository,
  type SessionsDatabase,
} from './domain/session.repository';
import { TELEMETRY_SEAL, type TelemetrySeal } from './domain/telemetry-seal';
import { toSessionView } from './session.view';

/**
 * Ends a session through the seal: the request is recorded first, then telemetry closes the ledger
 * and returns its totals and instant, then the session is finalized at that instant with exactly
 * those totals, the vehicle's battery updated and `session.finalized.v1` written to the outbox, in one
 * statement that holds the session and its vehicle. That statement writes only if the session is still
 * Active and the battery is still what the request read (almost always: one statement, no transaction
 * around it); else both are read again, held, in a transaction that decides on them (another end
 * finalized the session first: 409 with its record). If telemetry does not answer, or this process dies
 * after the seal, the recorded request lets the end reconciler run the end again; the seal being
 * idempotent, every run of an end finalizes the same way. Ending a ride and ending a charge share this
 * flow; each names the kind it ends.
 */
export abstract class EndSessionHandler {
  protected abstract readonly kind: SessionKind;

  constructor(
    @Inject(SESSIONS_DATABASE) private readonly database: SessionsDatabase,
    @Inject(SESSION_REPOSITORY) private readonly sessions: SessionRepository,
    @Inject(TELEMETRY_SEAL) private readonly telemetry: TelemetrySeal,
  ) {}

  async execute(sessionId: string): Promise<SessionView> {
    const requested = await this.sessions.requestEnd(this.database.autocommit, sessionId, this.kind);
    if (!requested || requested.session.kind !== this.kind) {
      throw new SessionNotFoundError(sessionId, this.kind === 'RIDE' ? 'ride' : 'charging session');
    }
    const current = requested.session;
    if (current.state === 'FINALIZED') throw new SessionAlreadyFinalizedError(current.id, toSessionView(current));

    const sealed = await this.telemetry.seal(current);

    const ended = endedWith(requested, sealed);
    if (await this.sessions.saveFinalized(this.database.autocommit, ended.session, ended.vehicleEnergyWh, requested))
      return ended.view;
    return this.database.transaction(async (tx) => {
      const ending = await this.sessions.lockForEnd(tx, sessionId);
      if (!ending) throw new SessionNotFoundError(sessionId);
      const locked = ending.session;
      if (locked.state === 'FINALIZED') throw new SessionAlreadyFinalizedError(locked.id, toSessionView(locked));

      const held = endedWith(ending, sealed);
      if (!(await this.sessions.saveFinalized(tx, held.session, held.vehicleEnergyWh, ending))) {
        throw new Error(`session ${sessionId} changed while this transaction held it`);
      }
      return held.view;
    });
  }
}

/** The session ended with the sealed totals, and its vehicle's battery level after it. */
function endedWith(ending: EndingSession, sealed: SealedLedger) {
  const session = Session.fromSnapshot(ending.session);
  session.end(sealed);
  const finalized = session.toSnapshot();
  const level = Battery.of(ending.battery.capacityWh, ending.battery.energyWh).afterSession(
    finalized.kind,
    finalized.totals?.energyWh ?? '0',
  );
  return { session, vehicleEnergyWh: level.energyWh.toFixed(), view: toSessionView(finalized) };
}
