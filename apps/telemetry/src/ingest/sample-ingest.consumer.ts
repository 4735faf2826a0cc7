import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { AmqpConnection, BatchConsumer, FactQueues, routingKeyOf } from '@chargeflow/messaging';
import { PINO_LOGGER } from '@chargeflow/runtime';
import { IngestSamplesHandler } from './ingest-samples/ingest-samples.handler';

export const SAMPLE_BATCH_SIZE = Symbol('SAMPLE_BATCH_SIZE');

/** Takes device samples off the `telemetry` exchange in batches and acks them after their commit. */
@Injectable()
export class SampleIngestConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly consumer: BatchConsumer;

  constructor(
    connection: AmqpConnection,
    handler: IngestSamplesHandler,
    @Inject(PINO_LOGGER) logger: Logger,
    @Inject(SAMPLE_BATCH_SIZE) batchSize: number,
  ) {
    const log = logger.child({ component: 'sample-ingest' });
    this.consumer = new BatchConsumer(connection, {
      queue: FactQueues.telemetrySamples,
      batchSize,
      logger: log,
      handleBatch: async (messages) => {
        const result = await handler.handle(
          messages.map((message) => ({
            content: message.content,
            routingKey: routingKeyOf(message),
            correlationId: message.properties.correlationId as string | undefined,
            messageId: message.properties.messageId as string | undefined,
          })),
        );
        if (result.rejected > 0 || result.parked > 0)
          log.info(
            { event: 'telemetry.rejected', ...result },
            `refused ${result.rejected} and parked ${result.parked} of ${messages.length} samples`,
          );
      },
    });
  }

  onApplicationBootstrap(): Promise<void> {
    return this.consumer.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.consumer.stop();
  }
}
