import { Inject } from '@nestjs/common';
import type { SessionKind, SessionView } from '@chargeflow/contracts';
import { Battery } from '../fleet/domain/battery';
import { Session } from './domain/session.aggregate';
import { SessionAlreadyFinalizedError, SessionNotFoundError } from './domain/session.errors';
import {
  SESSION_REPOSITORY,
  SESSIONS_DATABASE,
  type SessionRepository,
  type SessionsDatabase,
} from './domain/session.repository';
import { TELEMETRY_SEAL, type TelemetrySeal } from './domain/telemetry-seal';
import { toSessionView } from './session.view';

/**
 * Ends a session through the seal: the request is recorded first, then telemetry closes the ledger
 * and returns its totals and instant, then the session is finalized at that instant with exactly
 * those totals, the vehicle's battery updated and `session.finalized.v1` written to the outbox, all
 * in one statement of a transaction that holds the session and its vehicle. If telemetry does not answer, or this process dies after the seal, the recorded
 * request lets the end reconciler run the end again; the seal being idempotent, every run of an end
 * finalizes the same way. Ending a ride and ending a charge share this flow; each names the kind it ends.
 */
export abstract class EndSessionHandler {
  protected abstract readonly kind: SessionKind;

  constructor(
    @Inject(SESSIONS_DATABASE) private readonly database: SessionsDatabase,
    @Inject(SESSION_REPOSITORY) private readonly sessions: SessionRepository,
    @Inject(TELEMETRY_SEAL) private readonly telemetry: TelemetrySeal,
  ) {}

  async execute(sessionId: string): Promise<SessionView> {
    const current = await this.sessions.requestEnd(this.database.autocommit, sessionId, this.kind);
    if (!current || current.kind !== this.kind) {
      throw new SessionNotFoundError(sessionId, this.kind === 'RIDE' ? 'ride' : 'charging session');
    }
    if (current.state === 'FINALIZED') throw new SessionAlreadyFinalizedError(current.id, toSessionView(current));

    const sealed = await this.telemetry.seal(current);

    return this.database.transaction(async (tx) => {
      const ending = await this.sessions.lockForEnd(tx, sessionId);
      if (!ending) throw new SessionNotFoundError(sessionId);
      const { session: locked, battery } = ending;
      if (locked.state === 'FINALIZED') throw new SessionAlreadyFinalizedError(locked.id, toSessionView(locked));

      const session = Session.fromSnapshot(locked);
      session.end(sealed);
      const finalized = session.toSnapshot();
      const level = Battery.of(battery.capacityWh, battery.energyWh).afterSession(
        finalized.kind,
        finalized.totals?.energyWh ?? '0',
      );
      await this.sessions.saveFinalized(tx, session, level.energyWh.toFixed());
      return toSessionView(finalized);
    });
  }
}
