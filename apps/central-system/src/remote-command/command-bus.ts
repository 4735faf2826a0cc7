import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Channel, ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import { TimeoutError } from 'ocpp-rpc';
import { Exchanges } from '@chargeflow/contracts';
import { AmqpConnection, declareExchanges } from '@chargeflow/messaging';
import { PINO_LOGGER } from '@chargeflow/runtime';
import { ConnectionRegistry, type ChargePointCommand } from './connection.registry';
import { ChargePointNotConnectedError, ChargePointTimeoutError } from './remote-command.errors';

export const COMMAND_TIMEOUT_MS = Symbol('COMMAND_TIMEOUT_MS');

type CommandOutcome =
  { ok: true; result: unknown } | { ok: false; code: 'CHARGE_POINT_NOT_CONNECTED' | 'CHARGE_POINT_TIMEOUT' };

interface Pending {
  resolve(outcome: CommandOutcome): void;
  timer: NodeJS.Timeout;
}

export function instanceQueueOf(instanceId: string): string {
  return `central-system.instance.${instanceId}`;
}

/**
 * Carries a command to the instance its charge point is connected to, through a queue of that
 * instance's own (exclusive: it goes with the instance), and the charge point's answer back. A
 * command that finds no queue (the instance is gone) is returned by the broker: not connected.
 */
@Injectable()
export class CommandBus implements OnApplicationBootstrap {
  private channel: Channel | null = null;
  private readonly pending = new Map<string, Pending>();
  private readonly queue: string;

  constructor(
    private readonly connection: AmqpConnection,
    private readonly registry: ConnectionRegistry,
    @Inject(COMMAND_TIMEOUT_MS) private readonly timeoutMs: number,
    @Inject(PINO_LOGGER) private readonly logger: Logger,
  ) {
    this.queue = instanceQueueOf(registry.instanceId);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.connection.onConnected(async (model) => {
      const channel = await model.createChannel();
      channel.on('error', () => undefined);
      channel.on('close', () => {
        if (this.channel === channel) this.channel = null;
      });
      channel.on('return', (message: ConsumeMessage) =>
        this.settle(message, { ok: false, code: 'CHARGE_POINT_NOT_CONNECTED' }),
      );
      await declareExchanges(channel);
      await channel.assertQueue(this.queue, { exclusive: true, autoDelete: true, durable: false });
      await channel.bindQueue(this.queue, Exchanges.rpc, this.queue);
      // No acks: the queue is exclusive to this instance and dies with it, as do its charge points' sockets;
      // a command it took and did not answer ends at the caller's deadline (504), never as a lost success.
      await channel.consume(this.queue, (message) => message && void this.receive(channel, message), { noAck: true });
      this.channel = channel;
      return channel;
    });
  }

  /** Sends `command` to the instance its charge point is connected to and waits for the charge point's answer. */
  async send(command: ChargePointCommand): Promise<unknown> {
    const instanceId = await this.registry.instanceOf(command.chargePointId);
    const channel = this.channel;
    if (!instanceId) throw new ChargePointNotConnectedError(command.chargePointId);
    if (!channel) throw new ChargePointTimeoutError(command.chargePointId, this.timeoutMs);
    const id = randomUUID();
    const outcome = await new Promise<CommandOutcome>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ ok: false, code: 'CHARGE_POINT_TIMEOUT' });
      }, this.timeoutMs);
      this.pending.set(id, { resolve, timer });
      channel.publish(Exchanges.rpc, instanceQueueOf(instanceId), Buffer.from(JSON.stringify(command)), {
        type: 'command',
        correlationId: id,
        replyTo: this.queue,
        expiration: String(this.timeoutMs),
        headers: { deadline: Date.now() + this.timeoutMs },
        mandatory: true,
        contentType: 'application/json',
      });
    });
    if (outcome.ok) return outcome.result;
    if (outcome.code === 'CHARGE_POINT_NOT_CONNECTED') throw new ChargePointNotConnectedError(command.chargePointId);
    throw new ChargePointTimeoutError(command.chargePointId, this.timeoutMs);
  }

  private async receive(channel: Channel, message: ConsumeMessage): Promise<void> {
    if (message.properties.type === 'reply') {
      this.settle(message, JSON.parse(message.content.toString('utf8')) as CommandOutcome);
      return;
    }
    const outcome = await this.execute(
      JSON.parse(message.content.toString('utf8')) as ChargePointCommand,
      Number(message.properties.headers?.deadline) - Date.now(),
    );
    channel.publish('', message.properties.replyTo as string, Buffer.from(JSON.stringify(outcome)), {
      type: 'reply',
      correlationId: message.properties.correlationId as string,
      contentType: 'application/json',
    });
  }

  /** Calls the charge point on this instance; a CALLERROR it answers counts as a rejection. */
  private async execute(command: ChargePointCommand, remainingMs: number): Promise<CommandOutcome> {
    const client = this.registry.localClient(command.chargePointId);
    if (!client) return { ok: false, code: 'CHARGE_POINT_NOT_CONNECTED' };
    if (!(remainingMs > 0)) return { ok: false, code: 'CHARGE_POINT_TIMEOUT' };
    try {
      return { ok: true, result: await client.call(command.action, command.params, { callTimeoutMs: remainingMs }) };
    } catch (error) {
      if (error instanceof TimeoutError) return { ok: false, code: 'CHARGE_POINT_TIMEOUT' };
      this.logger.warn(
        { event: 'ocpp.command.refused', chargePointId: command.chargePointId, action: command.action, err: error },
        'the charge point refused a command',
      );
      return { ok: true, result: { status: 'Rejected' } };
    }
  }

  private settle(message: ConsumeMessage, outcome: CommandOutcome): void {
    const id = message.properties.correlationId as string | undefined;
    const pending = id ? this.pending.get(id) : undefined;
    if (!id || !pending) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    pending.resolve(outcome);
  }
}
