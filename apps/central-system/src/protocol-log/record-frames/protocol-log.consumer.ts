import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import {
  Exchanges,
  OCPP_FRAME_LOGGED_V1,
  OCPP_FRAMES_LOGGED_V1,
  OcppFrameLoggedV1,
  Queues,
  readOcppFramesLogged,
} from '@chargeflow/contracts';
import {
  AmqpConnection,
  BatchConsumer,
  ConfirmPublisher,
  decodeEnvelope,
  decodeEnvelopeWith,
  publishDeadLetter,
  PoisonMessageError,
  routingKeyOf,
} from '@chargeflow/messaging';
import { applyTogetherOrEach, PINO_LOGGER } from '@chargeflow/runtime';

const QUEUE = Queues.centralSystemProtocolLog;

/** The frames a message carries: a batch's, or the one frame of a message from a recorder before batches. */
function framesOf(message: ConsumeMessage): OcppFrameLoggedV1[] {
  // A replayed dead letter comes straight to the queue, its routing key in a header.
  return routingKeyOf(message) === OCPP_FRAME_LOGGED_V1
    ? [decodeEnvelope(message.content, OcppFrameLoggedV1).payload]
    : decodeEnvelopeWith(message.content, readOcppFramesLogged).payload.frames;
}

/**
 * Stores the frames any instance logged, the frames of up to 25 messages per statement and commit
 * (a frame each was one commit per frame on the busiest path there is); a redelivered frame is stored
 * once (its frameId is the key). A message that is no frame or batch of frames, or holds a frame that
 * cannot be stored, goes to the queue's dead-letter queue with its reason.
 */
@Injectable()
export class ProtocolLogConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly consumer: BatchConsumer;

  constructor(
    connection: AmqpConnection,
    private readonly dataSource: DataSource,
    private readonly publisher: ConfirmPublisher,
    @Inject(PINO_LOGGER) logger: Logger,
  ) {
    const log = logger.child({ component: 'protocol-log' });
    this.consumer = new BatchConsumer(connection, {
      // Batches, and single frames as recorders before batches sent them (a rolling upgrade, a queue not yet drained).
      queue: {
        name: QUEUE,
        bindings: [
          { exchange: Exchanges.events, routingKey: OCPP_FRAMES_LOGGED_V1 },
          { exchange: Exchanges.events, routingKey: OCPP_FRAME_LOGGED_V1 },
        ],
      },
      logger: log,
      // Up to 25 messages of up to 200 frames (50,000 payload characters): a statement of at most 5,000 frames.
      batchSize: 25,
      maxWaitMs: 20,
      handleBatch: async (messages) => {
        const frames: { message: ConsumeMessage; frame: OcppFrameLoggedV1 }[] = [];
        const poison: { message: ConsumeMessage; error: PoisonMessageError }[] = [];
        for (const message of messages) {
          try {
            for (const frame of framesOf(message)) frames.push({ message, frame });
          } catch (error) {
            if (!(error instanceof PoisonMessageError)) throw error;
            poison.push({ message, error });
          }
        }
        // The batch in one statement; when a frame's content makes it fail (a recorder of an older
        // version), frame by frame, so only that frame goes to the dead-letter queue.
        const unstorable = await applyTogetherOrEach(frames, (some) => this.store(some.map(({ frame }) => frame)));
        for (const { item, reason } of unstorable)
          poison.push({ message: item.message, error: new PoisonMessageError('UNSTORABLE', reason) });
        // After the commit: a failed dead-lettering retries the batch, whose frames are then stored once.
        // A message goes once, however many of its frames could not be stored (the others are stored; again, once, on a replay).
        const byMessage = new Map(poison.map((entry) => [entry.message, entry.error]));
        for (const [message, error] of byMessage) await publishDeadLetter(this.publisher, QUEUE, message, error, log);
      },
    });
  }

  onApplicationBootstrap(): Promise<void> {
    return this.consumer.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.consumer.stop();
  }

  private async store(frames: OcppFrameLoggedV1[]): Promise<void> {
    const column = <K extends keyof OcppFrameLoggedV1>(key: K) => frames.map((frame) => frame[key]);
    await this.dataSource.query(
      `INSERT INTO ocpp_frame (frame_id, charge_point_id, direction, message_type, message_id, action, transaction_id, at, payload, error)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::smallint[], $5::text[], $6::text[], $7::integer[],
         $8::timestamptz[], $9::text[], $10::text[])
       ON CONFLICT (frame_id) DO NOTHING`,
      [
        column('frameId'),
        column('chargePointId'),
        column('direction'),
        column('messageType'),
        column('messageId'),
        column('action'),
        column('transactionId'),
        column('at'),
        column('payload'),
        column('error'),
      ],
    );
  }
}
