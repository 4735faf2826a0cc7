import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { Exchanges, OCPP_FRAME_LOGGED_V1, OcppFrameLoggedV1, Queues } from '@chargeflow/contracts';
import { AmqpConnection, decodeEnvelope, MessageConsumer } from '@chargeflow/messaging';
import { PINO_LOGGER } from '@chargeflow/runtime';

/** Stores the frames any instance logged; a redelivered frame is stored once (its frameId is the key). */
@Injectable()
export class ProtocolLogConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly consumer: MessageConsumer;

  constructor(connection: AmqpConnection, dataSource: DataSource, @Inject(PINO_LOGGER) logger: Logger) {
    this.consumer = new MessageConsumer(connection, {
      queue: {
        name: Queues.centralSystemProtocolLog,
        bindings: [{ exchange: Exchanges.events, routingKey: OCPP_FRAME_LOGGED_V1 }],
      },
      logger: logger.child({ component: 'protocol-log' }),
      prefetch: 200,
      handler: async (message) => {
        const frame = decodeEnvelope(message.content, OcppFrameLoggedV1).payload;
        await dataSource.query(
          `INSERT INTO ocpp_frame (frame_id, charge_point_id, direction, message_type, message_id, action, transaction_id, at, payload, error)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (frame_id) DO NOTHING`,
          [
            frame.frameId,
            frame.chargePointId,
            frame.direction,
            frame.messageType,
            frame.messageId,
            frame.action,
            frame.transactionId,
            frame.at,
            frame.payload,
            frame.error,
          ],
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
