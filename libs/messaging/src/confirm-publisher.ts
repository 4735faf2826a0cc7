import type { ConfirmChannel, Options } from 'amqplib';
import type { Envelope } from '@chargeflow/contracts';
import { AmqpConnection, BrokerUnavailableError } from './amqp-connection';
import { declareExchanges } from './topology';

export const JSON_CONTENT_TYPE = 'application/json';

/** Publishes persistent messages and resolves only once the broker has confirmed them. */
export class ConfirmPublisher {
  private channel: ConfirmChannel | null = null;

  private constructor() {}

  static async create(connection: AmqpConnection): Promise<ConfirmPublisher> {
    const publisher = new ConfirmPublisher();
    await connection.onConnected(async (model) => {
      const channel = await model.createConfirmChannel();
      channel.on('error', () => undefined);
      channel.on('close', () => {
        if (publisher.channel === channel) publisher.channel = null;
      });
      await declareExchanges(channel);
      publisher.channel = channel;
      return channel;
    });
    return publisher;
  }

  publishEnvelope(
    exchange: string,
    routingKey: string,
    envelope: Envelope,
    options: Options.Publish = {},
  ): Promise<void> {
    return this.publish(exchange, routingKey, Buffer.from(JSON.stringify(envelope)), {
      messageId: envelope.messageId,
      type: envelope.type,
      correlationId: envelope.correlationId,
      timestamp: Math.floor(Date.parse(envelope.occurredAt) / 1000),
      ...options,
    });
  }

  publish(exchange: string, routingKey: string, content: Buffer, options: Options.Publish = {}): Promise<void> {
    const channel = this.channel;
    if (!channel) return Promise.reject(new BrokerUnavailableError('no publishing channel'));
    return new Promise<void>((resolve, reject) => {
      channel.publish(
        exchange,
        routingKey,
        content,
        { persistent: true, contentType: JSON_CONTENT_TYPE, ...options },
        (error) => (error ? reject(new BrokerUnavailableError(`publish not confirmed: ${String(error)}`)) : resolve()),
      );
    });
  }
}
