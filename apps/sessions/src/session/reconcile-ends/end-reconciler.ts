import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { withCorrelation } from '@chargeflow/messaging';
import { PINO_LOGGER } from '@chargeflow/runtime';
import { SessionAlreadyFinalizedError } from '../domain/session.errors';
import {
  SESSION_REPOSITORY,
  SESSIONS_DATABASE,
  type PendingEnd,
  type SessionRepository,
  type SessionsDatabase,
} from '../domain/session.repository';
import { EndChargingHandler } from '../end-charging/end-charging.handler';
import { EndRideHandler } from '../end-ride/end-ride.handler';

export const END_RETRY = Symbol('END_RETRY');

export interface EndRetrySettings {
  /** An end still unfinished this long after its last attempt is run again. */
  afterMs: number;
  /** How often the reconciler looks for such ends. */
  intervalMs: number;
}

/** Ends run again per sweep: a sweep stays short, the next one takes the rest. */
const ENDS_PER_SWEEP = 20;

/**
 * Finishes ends whose caller died or stopped waiting between the seal and the finalization: every
 * `intervalMs` it claims requested ends of sessions still Active and runs them again. The seal being
 * idempotent, the session is finalized at the seal's instant with the seal's totals, once.
 */
@Injectable()
export class EndReconciler implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  private readonly log: Logger;

  constructor(
    @Inject(SESSIONS_DATABASE) private readonly database: SessionsDatabase,
    @Inject(SESSION_REPOSITORY) private readonly sessions: SessionRepository,
    private readonly endRide: EndRideHandler,
    private readonly endCharging: EndChargingHandler,
    @Inject(END_RETRY) private readonly settings: EndRetrySettings,
    @Inject(PINO_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'end-reconciler' });
  }

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /**
   * Claims and runs unfinished ends one at a time, up to ENDS_PER_SWEEP; resolves how many it finalized.
   * A claim lasts `afterMs` from the moment its end starts, so a slow sweep never lets another
   * instance claim an end this one has yet to run (an end waits at most SEAL_TIMEOUT_MS, below afterMs).
   */
  async sweep(): Promise<number> {
    let finalized = 0;
    for (let run = 0; run < ENDS_PER_SWEEP; run += 1) {
      const [end] = await this.sessions.claimPendingEnds(this.database.autocommit, this.settings.afterMs, 1);
      if (!end) break;
      if (await this.runAgain(end)) finalized += 1;
    }
    return finalized;
  }

  private async runAgain(end: PendingEnd): Promise<boolean> {
    const correlationId = end.correlationId ?? `end-reconciler:${end.sessionId}`;
    try {
      await withCorrelation({ correlationId }, () =>
        (end.kind === 'RIDE' ? this.endRide : this.endCharging).execute(end.sessionId),
      );
      this.log.info({ event: 'session.end-reconciled', sessionId: end.sessionId, correlationId }, 'end completed');
      return true;
    } catch (error) {
      if (error instanceof SessionAlreadyFinalizedError) return false;
      this.log.warn(
        { event: 'session.end-retry-failed', sessionId: end.sessionId, correlationId, error: (error as Error).message },
        'running a requested end again failed; it is tried again later',
      );
      return false;
    }
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.running = this.sweep()
        .then(() => undefined)
        .catch((error: Error) => this.log.warn({ error: error.message }, 'looking for unfinished ends failed'))
        .finally(() => {
          if (this.timer) this.schedule();
        });
    }, this.settings.intervalMs);
  }
}
