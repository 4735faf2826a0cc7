import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { retryTransient } from '@chargeflow/messaging';
import { PINO_LOGGER } from '@chargeflow/runtime';
import { IngestSamplesHandler, NO_RESULT, type IngestResult } from '../ingest-samples/ingest-samples.handler';
import type { ParkedSamples } from '../../ledger/seal-session/parked-samples';
import { IngestRepository, type ParkedMessage } from '../infrastructure/ingest.repository';

export const PARKED_RETRY_MS = Symbol('PARKED_RETRY_MS');
const PARKED_BATCH = 500;
/** Tries of one batch judged for a seal: its seal waits, so a few quick ones. */
const JUDGE_ATTEMPTS = 3;

/**
 * Gives parked samples (their session could not be described during a sessions outage) another try
 * every few seconds, and a session's own as its seal asks: once the sessions service answers they are
 * counted or refused, and leave the parking in the same transaction.
 */
@Injectable()
export class ParkedSamplesRetrier implements ParkedSamples, OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  private readonly log: Logger;

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: IngestRepository,
    private readonly handler: IngestSamplesHandler,
    @Inject(PARKED_RETRY_MS) private readonly intervalMs: number,
    @Inject(PINO_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'parked-samples' });
  }

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.running = this.retry()
        .catch((error: Error) => this.log.warn({ error: error.message }, 'retrying parked samples failed'))
        .finally(() => {
          if (this.timer) this.schedule();
        });
    }, this.intervalMs);
  }

  /**
   * Judges all the session's parked samples now, for its seal (its ledger is open, so each is counted
   * or refused with a reason), a batch at a time; a batch the periodic retry judged at the same moment
   * is read again. A failure that persists rejects: the seal is not made, and the end that asked for it
   * is made again later.
   */
  async judge(sessionId: string): Promise<void> {
    let left = true;
    while (left) {
      await retryTransient(
        async () => {
          const parked = await this.repository.parkedOf(this.dataSource.manager, sessionId, PARKED_BATCH);
          const result = await this.retryMessages(parked, 'telemetry.parked-judged-for-seal');
          // Parked again (the session could not be described after all): the seal goes on without them.
          left = parked.length === PARKED_BATCH && result.parked < parked.length;
        },
        {
          attempts: JUDGE_ATTEMPTS,
          baseDelayMs: 20,
          stopping: () => false,
          onRetry: (error) => this.log.warn({ sessionId, error: error.message }, 'judging parked samples again'),
        },
      );
    }
  }

  private async retry(): Promise<void> {
    await this.retryMessages(
      await this.repository.parked(this.dataSource.manager, PARKED_BATCH),
      'telemetry.parked-retried',
    );
  }

  private async retryMessages(parked: ParkedMessage[], event: string): Promise<IngestResult> {
    if (parked.length === 0) return NO_RESULT;
    const result = await this.handler.handle(
      parked.map((message) => ({
        content: message.content,
        routingKey: message.routingKey,
        correlationId: message.correlationId ?? undefined,
        messageId: message.messageId ?? undefined,
        parkedId: message.id,
      })),
    );
    this.log.info({ event, ...result }, `retried ${parked.length} parked samples`);
    return result;
  }
}
