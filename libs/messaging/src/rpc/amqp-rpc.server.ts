import type { Channel, ConsumeMessage } from 'amqplib';
import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { BaseRpcContext } from '@nestjs/microservices/ctx-host/base-rpc.context';
import { lastValueFrom } from 'rxjs';
import {
  EnvelopeDto,
  rpcErrorOf,
  rpcQueueOf,
  type BackendService,
  type RpcError,
  type RpcReply,
} from '@chargeflow/contracts';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { AmqpConnection } from '../amqp-connection';
import { withCorrelation } from '../correlation';
import { deliveryFields, type StructuredLogger } from '../structured-logger';
import { declareRpcQueue } from '../topology';

export const RPC_DEADLINE_HEADER = 'x-deadline';

export interface AmqpRpcServerOptions {
  service: BackendService;
  logger: StructuredLogger;
  /** Requests handled at once by this instance. */
  prefetch?: number;
}

/** The context a handler may ask for: the request's envelope metadata. */
export class RpcRequestContext extends BaseRpcContext<[EnvelopeDto]> {
  get envelope(): EnvelopeDto {
    return this.getArgByIndex(0);
  }
}

/**
 * A NestJS transport that answers `@MessagePattern` handlers over RabbitMQ: requests arrive as
 * envelopes on `<service>.rpc`, replies go to the caller's `replyTo` with its correlation id.
 * Requests past their deadline are dropped unanswered: the caller has already given up.
 */
export class AmqpRpcServer extends Server implements CustomTransportStrategy {
  private channel: Channel | null = null;
  private consumerTag: string | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly connection: AmqpConnection,
    private readonly options: AmqpRpcServerOptions,
  ) {
    super();
  }

  listen(callback: (error?: unknown) => void): void {
    this.connection
      .onConnected(async (model) => {
        if (this.closed) return;
        const channel = await model.createChannel();
        channel.on('error', () => undefined);
        const queue = await declareRpcQueue(model, this.options.service);
        await channel.prefetch(this.options.prefetch ?? 50);
        this.channel = channel;
        const { consumerTag } = await channel.consume(
          queue,
          (message) => {
            if (message) this.track(this.answer(channel, message), message);
          },
          { noAck: false },
        );
        this.consumerTag = consumerTag;
        return channel;
      })
      .then(() => callback(), callback);
  }

  /** Stops taking requests and waits for the ones in flight to be answered. */
  async close(): Promise<void> {
    this.closed = true;
    const channel = this.channel;
    if (channel && this.consumerTag) await channel.cancel(this.consumerTag).catch(() => undefined);
    await Promise.allSettled([...this.inFlight]);
    if (channel) await channel.close().catch(() => undefined);
    this.channel = null;
  }

  /**
   * Patterns here are plain strings, registered as they are: looked up directly instead of through
   * Nest's lookup, which first tries JSON.parse on the pattern and so throws an exception per request.
   */
  override getHandlerByPattern(pattern: string): MessageHandler | null {
    return this.messageHandlers.get(pattern) ?? null;
  }

  on(): never {
    throw new Error('AmqpRpcServer does not emit transport events');
  }

  unwrap<T>(): T {
    return this.connection.current() as T;
  }

  private track(work: Promise<void>, message: ConsumeMessage): void {
    this.inFlight.add(work);
    void work
      .catch((error: Error) =>
        this.options.logger.warn(
          { ...deliveryFields(rpcQueueOf(this.options.service), message), error: error.message },
          'answering a request failed',
        ),
      )
      .finally(() => this.inFlight.delete(work));
  }

  private async answer(channel: Channel, message: ConsumeMessage): Promise<void> {
    const deadline = Number(message.properties.headers?.[RPC_DEADLINE_HEADER] ?? Number.POSITIVE_INFINITY);
    const { replyTo, correlationId } = message.properties;
    if (Date.now() > deadline || !replyTo) {
      channel.ack(message);
      return;
    }
    const reply = await this.handle(message);
    try {
      channel.sendToQueue(replyTo, Buffer.from(JSON.stringify(reply)), {
        correlationId,
        contentType: 'application/json',
      });
      channel.ack(message);
    } catch (error) {
      this.options.logger.warn(
        { ...deliveryFields(rpcQueueOf(this.options.service), message), error: (error as Error).message },
        'could not reply to a request',
      );
    }
  }

  private async handle(message: ConsumeMessage): Promise<RpcReply> {
    const envelope = parseRequest(message);
    if (!envelope) return failure(rpcErrorOf('MALFORMED_REQUEST', 'the request is not a valid envelope'));
    const handler = this.getHandlerByPattern(envelope.type);
    if (!handler) return failure(rpcErrorOf('UNKNOWN_OPERATION', `no handler for ${envelope.type}`));
    return withCorrelation({ correlationId: envelope.correlationId, causationId: envelope.messageId }, async () => {
      try {
        const result$ = this.transformToObservable(await handler(envelope.payload, new RpcRequestContext([envelope])));
        return { ok: true, data: (await lastValueFrom(result$, { defaultValue: null })) ?? null } as RpcReply;
      } catch (error) {
        return failure(asRpcError(error));
      }
    });
  }
}

function parseRequest(message: ConsumeMessage): EnvelopeDto | null {
  try {
    const envelope = plainToInstance(EnvelopeDto, JSON.parse(message.content.toString('utf8')));
    return validateSync(envelope).length === 0 ? envelope : null;
  } catch {
    return null;
  }
}

function asRpcError(error: unknown): RpcError {
  const candidate = error as Partial<RpcError> | null;
  if (candidate && typeof candidate.code === 'string' && typeof candidate.kind === 'string')
    return candidate as RpcError;
  return rpcErrorOf('INTERNAL_ERROR', 'the service failed to handle the request');
}

function failure(error: RpcError): RpcReply {
  return { ok: false, error };
}
