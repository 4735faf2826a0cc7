import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { PINO_LOGGER } from '@chargeflow/runtime';
import { IngestSamplesHandler } from '../ingest-samples/ingest-samples.handler';
import type { ParkedSamples } from '../../ledger/seal-session/parked-samples';
import { IngestRepository, type ParkedMessage } from '../infrastructure/ingest.repository';

export const PARKED_RETRY_MS = Symbol('PARKED_RETRY_MS');
const PARKED_BATCH = 500;

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
   * Judges the session's parked samples now, for its seal: counted once its ledger is open, refused
   * with a reason, or left parked if the session still cannot be described. A failure is logged, not
   * thrown: the seal goes on, and the samples stay parked for the next try.
   */
  async judge(sessionId: string): Promise<void> {
    try {
      await this.retryMessages(await this.repository.parkedOf(this.dataSource.manager, sessionId, PARKED_BATCH));
    } catch (error) {
      this.log.warn({ sessionId, error: (error as Error).message }, 'judging parked samples before a seal failed');
    }
  }

  private async retry(): Promise<void> {
    await this.retryMessages(await this.repository.parked(this.dataSource.manager, PARKED_BATCH));
  }

  private async retryMessages(parked: ParkedMessage[]): Promise<void> {
    if (parked.length === 0) return;
    const result = await this.handler.handle(
      parked.map((message) => ({
        content: message.content,
        routingKey: message.routingKey,
        correlationId: message.correlationId ?? undefined,
        messageId: message.messageId ?? undefined,
        parkedId: message.id,
      })),
    );
    this.log.info({ event: 'telemetry.parked-retried', ...result }, `retried ${parked.length} parked samples`);
  }
}
