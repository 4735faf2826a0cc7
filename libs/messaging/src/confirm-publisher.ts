import type { ConfirmChannel, Options } from 'amqplib';
import type { Envelope } from '@chargeflow/contracts';
import { AmqpConnection, BrokerUnavailableError } from './amqp-connection';
import { declareExchanges, isFactRoute } from './topology';

export const JSON_CONTENT_TYPE = 'application/json';

/** Names each publish, so a `basic.return` can be matched to the confirm that follows it. */
const PUBLISH_ID_HEADER = 'x-chargeflow-publish-id';

export const DEFAULT_CONFIRM_TIMEOUT_MS = 5_000;

export interface ConfirmPublisherOptions {
  /** Past this, a publish the broker has not confirmed fails (the broker may still take it later). */
  confirmTimeoutMs?: number;
}

/**
 * Publishes persistent messages and resolves only once the broker has confirmed them; a message a fact
 * queue must take is mandatory, and its return fails the publish. Fails with BrokerUnavailableError when the broker is away, blocks
 * publishers, returns the message unroutable, or does not confirm within the deadline.
 */
export class ConfirmPublisher {
  private channel: ConfirmChannel | null = null;
  private readonly returned = new Set<string>();
  private sequence = 0;

  private constructor(
    private readonly connection: AmqpConnection,
    private readonly confirmTimeoutMs: number,
  ) {}

  static async create(connection: AmqpConnection, options: ConfirmPublisherOptions = {}): Promise<ConfirmPublisher> {
    const publisher = new ConfirmPublisher(connection, options.confirmTimeoutMs ?? DEFAULT_CONFIRM_TIMEOUT_MS);
    await connection.onConnected(async (model) => {
      const channel = await model.createConfirmChannel();
      channel.on('error', () => undefined);
      channel.on('close', () => {
        if (publisher.channel === channel) publisher.channel = null;
      });
      // amqplib emits a message's return before the confirm of the same message.
      channel.on('return', (message: { properties: { headers?: Record<string, unknown> } }) => {
        const id = message.properties.headers?.[PUBLISH_ID_HEADER];
        if (typeof id === 'string') publisher.returned.add(id);
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
    const blocked = this.connection.blockedReason;
    if (blocked) return Promise.reject(new BrokerUnavailableError(`the broker blocks publishers: ${blocked}`));
    const id = String((this.sequence += 1));
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        reject(new BrokerUnavailableError(`publish not confirmed within ${this.confirmTimeoutMs} ms`));
      }, this.confirmTimeoutMs);
      const mandatory = options.mandatory ?? isFactRoute(exchange, routingKey);
      channel.publish(
        exchange,
        routingKey,
        content,
        {
          persistent: true,
          contentType: JSON_CONTENT_TYPE,
          ...options,
          mandatory,
          // Only a mandatory message can come back: the others need no id (a header table to encode each).
          headers: mandatory ? { ...options.headers, [PUBLISH_ID_HEADER]: id } : options.headers,
        },
        (error) => {
          clearTimeout(timer);
          const wasReturned = this.returned.delete(id);
          if (settled) return;
          if (error) reject(new BrokerUnavailableError(`publish not confirmed: ${String(error)}`));
          else if (wasReturned) reject(new BrokerUnavailableError(`no queue takes ${exchange}/${routingKey}`));
          else resolve();
        },
      );
    });
  }
}
