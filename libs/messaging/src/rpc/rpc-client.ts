import type { Channel, ConsumeMessage } from 'amqplib';
import { createEnvelope, Exchanges, rpcQueueOf, type BackendService, type RpcReply } from '@chargeflow/contracts';
import { BrokerUnavailableError, type AmqpConnection } from '../amqp-connection';
import { declareExchanges } from '../topology';
import { CORRELATION_ID_HEADER } from '../correlation';
import { RPC_DEADLINE_HEADER } from './amqp-rpc.server';
import { RpcUnavailableError } from './rpc-errors';

/** The pseudo-queue of RabbitMQ's direct reply-to. */
const DIRECT_REPLY_TO = 'amq.rabbitmq.reply-to';

interface PendingRequest {
  resolve(reply: RpcReply): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export interface RpcRequestOptions {
  correlationId: string;
  timeoutMs: number;
}

/**
 * Sends RPC requests to backend services and waits for their replies through direct reply-to.
 * Every request carries a deadline: the broker expires it unread, the server drops it if late, and
 * the caller gets RpcUnavailableError instead of waiting forever.
 */
export class RpcClient {
  private channel: Channel | null = null;
  private readonly pending = new Map<string, PendingRequest>();

  private constructor(private readonly connection: AmqpConnection) {}

  static async create(connection: AmqpConnection): Promise<RpcClient> {
    const client = new RpcClient(connection);
    await connection.onConnected(async (model) => {
      const channel = await model.createChannel();
      channel.on('error', () => undefined);
      channel.on('close', () => {
        if (client.channel === channel) client.channel = null;
      });
      await declareExchanges(channel);
      // RabbitMQ's direct reply-to: a reply goes straight to this channel's consumer, through no queue
      // (no queue process to enqueue and deliver it), and dies with the channel as an exclusive queue's
      // would. It requires no acks (an ack per reply would be a frame per call anyway) and requests
      // published on the channel that consumes.
      await channel.consume(DIRECT_REPLY_TO, (message) => message && client.settle(message), { noAck: true });
      client.channel = channel;
      return channel;
    });
    return client;
  }

  request<T>(
    service: BackendService,
    pattern: string,
    payload: object,
    options: RpcRequestOptions,
  ): Promise<RpcReply<T>> {
    const channel = this.channel;
    if (!channel) {
      return Promise.reject(
        new RpcUnavailableError(service, pattern, new BrokerUnavailableError('no channel').message),
      );
    }
    const blocked = this.connection.blockedReason;
    if (blocked) return Promise.reject(new BrokerUnavailableError(`the broker blocks publishers: ${blocked}`));
    const envelope = createEnvelope(pattern, payload, { correlationId: options.correlationId });
    return new Promise<RpcReply<T>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelope.messageId);
        const stillBlocked = this.connection.blockedReason;
        reject(
          stillBlocked
            ? new BrokerUnavailableError(`the broker blocks publishers: ${stillBlocked}`)
            : new RpcUnavailableError(service, pattern, `no answer within ${options.timeoutMs} ms`),
        );
      }, options.timeoutMs);
      this.pending.set(envelope.messageId, { resolve: resolve as (reply: RpcReply) => void, reject, timer });
      channel.publish(Exchanges.rpc, rpcQueueOf(service), Buffer.from(JSON.stringify(envelope)), {
        type: pattern,
        messageId: envelope.messageId,
        correlationId: envelope.messageId,
        replyTo: DIRECT_REPLY_TO,
        expiration: String(options.timeoutMs),
        persistent: false,
        contentType: 'application/json',
        headers: {
          [RPC_DEADLINE_HEADER]: Date.now() + options.timeoutMs,
          [CORRELATION_ID_HEADER]: options.correlationId,
        },
      });
    });
  }

  /** Fails every waiting request at shutdown instead of leaving it to its timer. */
  close(): void {
    for (const [id, request] of this.pending) {
      clearTimeout(request.timer);
      request.reject(new Error('RPC client closed'));
      this.pending.delete(id);
    }
  }

  private settle(message: ConsumeMessage): void {
    const id = message.properties.correlationId as string | undefined;
    const request = id ? this.pending.get(id) : undefined;
    if (!id || !request) return;
    this.pending.delete(id);
    clearTimeout(request.timer);
    try {
      request.resolve(JSON.parse(message.content.toString('utf8')) as RpcReply);
    } catch {
      request.reject(new Error('malformed RPC reply'));
    }
  }
}
