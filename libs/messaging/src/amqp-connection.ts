import { connect, type Channel, type ChannelModel } from 'amqplib';
import { coalesceWrites } from './coalesced-writes';
import type { StructuredLogger } from './structured-logger';

/** How long opening a connection (socket and AMQP handshake) may take before the attempt counts as failed. */
const CONNECT_TIMEOUT_MS = 10_000;

export interface AmqpConnectionOptions {
  url: string;
  /**
   * Every node of a cluster (RABBITMQ_URLS): a connection that fails or is lost goes on to the next one
   * in turn. Empty or absent: `url` alone.
   */
  urls?: string[];
  /** Shown in the broker's connection list, e.g. `chargeflow-sessions`. */
  name: string;
  logger: StructuredLogger;
  /** How long the first connection may take before start-up fails. */
  startupTimeoutMs?: number;
  /** Backoff bounds between reconnection attempts. */
  minRetryDelayMs?: number;
  maxRetryDelayMs?: number;
}

/**
 * Runs after every (re)connection: declare topology, open channels, resume consumers. A setup that
 * returns its channel runs again when the broker closes that channel while the connection stays up
 * (a channel error such as publishing to a missing exchange), so no part stays silently detached.
 */
export type ConnectionSetup = (connection: ChannelModel) => Promise<Channel | void>;

export class BrokerUnavailableError extends Error {
  constructor(reason: string) {
    super(`message broker unavailable: ${reason}`);
    this.name = 'BrokerUnavailableError';
  }
}

/**
 * One AMQP connection per process that heals itself: when the broker goes away it reconnects with
 * exponential backoff and replays every registered setup, so publishers and consumers resume.
 */
export class AmqpConnection {
  private connection: ChannelModel | null = null;
  private readonly setups: ConnectionSetup[] = [];
  private closing = false;
  private reconnecting: Promise<void> | null = null;
  private blockedBy: string | null = null;
  private readonly urls: string[];
  private next = 0;
  /** Ends the current wait between attempts early (on close). */
  private wakeUp: (() => void) | null = null;

  private constructor(private readonly options: AmqpConnectionOptions) {
    this.urls = options.urls?.length ? options.urls : [options.url];
  }

  static async open(options: AmqpConnectionOptions): Promise<AmqpConnection> {
    const amqp = new AmqpConnection(options);
    await amqp.establish(options.startupTimeoutMs ?? 30_000);
    return amqp;
  }

  get isConnected(): boolean {
    return this.connection !== null;
  }

  /** Why the broker blocks this connection's publishes (a memory or disk alarm), or null. */
  get blockedReason(): string | null {
    return this.blockedBy;
  }

  /** Registers a setup; it runs now if connected and again after every reconnection. */
  async onConnected(setup: ConnectionSetup): Promise<void> {
    this.setups.push(setup);
    if (this.connection) await this.run(setup, this.connection);
  }

  current(): ChannelModel {
    if (!this.connection) throw new BrokerUnavailableError('not connected');
    return this.connection;
  }

  async close(): Promise<void> {
    this.closing = true;
    this.wakeUp?.();
    const connection = this.connection;
    this.connection = null;
    if (connection) await connection.close().catch(() => undefined);
  }

  private async establish(deadlineMs: number): Promise<void> {
    const giveUpAt = Date.now() + deadlineMs;
    let delay = this.options.minRetryDelayMs ?? 250;
    for (let failed = 1; ; failed += 1) {
      try {
        await this.connectOnce();
        return;
      } catch (error) {
        if (this.closing) return;
        // Every node is tried once before waiting: a cluster with one node down reconnects at once.
        if (failed % this.urls.length !== 0) continue;
        if (Date.now() + delay > giveUpAt) {
          throw new BrokerUnavailableError(`${this.urls.map(redact).join(', ')}: ${(error as Error).message}`);
        }
        this.options.logger.warn(
          {
            event: 'broker.unreachable',
            connection: this.options.name,
            retryInMs: delay,
            error: (error as Error).message,
          },
          'broker not reachable; retrying',
        );
        await this.pause(delay);
        if (this.closing) return;
        delay = Math.min(delay * 2, this.options.maxRetryDelayMs ?? 5_000);
      }
    }
  }

  /**
   * The wait between attempts holds the process open: a service whose only other work waits on the broker
   * (analytics, idle between events) would otherwise end silently while the broker is away. `close` ends it.
   */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = null;
        resolve();
      }, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
    });
  }

  /** Tries the next URL in turn: after a failure or a lost connection, another node of the cluster. */
  private async connectOnce(): Promise<void> {
    const url = this.urls[this.next];
    this.next = (this.next + 1) % this.urls.length;
    // amqplib leaves Nagle's algorithm on: a request written as several frames then waits for the
    // broker's delayed ACK (40 ms on Linux) before its last frame leaves. Commands are small and latency-bound.
    const connection = await connect(url, {
      noDelay: true,
      // A node still booting may accept the socket and never finish the handshake: give up and try again.
      timeout: CONNECT_TIMEOUT_MS,
      clientProperties: { connection_name: this.options.name },
    });
    try {
      coalesceWrites(connection);
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw error;
    }
    if (this.closing) {
      // Closed while this attempt was under way: nothing may come back to life on it.
      await connection.close().catch(() => undefined);
      throw new BrokerUnavailableError('closed');
    }
    connection.on('error', (error: Error) =>
      this.options.logger.warn(
        { event: 'broker.connection-error', connection: this.options.name, error: error.message },
        'broker connection error',
      ),
    );
    connection.on('close', () => this.handleClose(connection));
    connection.on('blocked', (reason: string) => {
      if (this.connection === connection) this.blockedBy = reason || 'resource alarm';
      this.options.logger.warn(
        { event: 'broker.blocked', connection: this.options.name, reason },
        'the broker blocks publishers',
      );
    });
    connection.on('unblocked', () => {
      if (this.connection === connection) this.blockedBy = null;
      this.options.logger.info({ event: 'broker.unblocked', connection: this.options.name }, 'broker unblocked');
    });
    this.blockedBy = null;
    this.connection = connection;
    // A node still starting may take the connection and never answer a setup's declarations: close it, so they fail and the attempt is retried.
    const stalled = setTimeout(() => void connection.close().catch(() => undefined), CONNECT_TIMEOUT_MS * 3);
    try {
      for (const setup of this.setups) await this.run(setup, connection);
    } catch (error) {
      this.connection = null;
      await connection.close().catch(() => undefined);
      throw error;
    } finally {
      clearTimeout(stalled);
    }
    this.options.logger.info(
      { event: 'broker.connected', connection: this.options.name, url: redact(url) },
      'connected to broker',
    );
  }

  private async run(setup: ConnectionSetup, connection: ChannelModel): Promise<void> {
    const channel = await setup(connection);
    if (channel) channel.once('close', () => this.reopen(setup, connection));
  }

  /** A channel closed under a live connection: run its setup again after a short pause. */
  private reopen(setup: ConnectionSetup, connection: ChannelModel): void {
    const stillCurrent = () => !this.closing && this.connection === connection;
    if (!stillCurrent()) return;
    setTimeout(() => {
      if (!stillCurrent()) return;
      this.run(setup, connection).catch((error: Error) =>
        this.options.logger.warn(
          { event: 'broker.channel-reopen-failed', connection: this.options.name, error: error.message },
          'reopening a channel failed',
        ),
      );
    }, 250).unref();
  }

  private handleClose(connection: ChannelModel): void {
    if (this.connection !== connection) return;
    this.connection = null;
    if (this.closing || this.reconnecting) return;
    this.options.logger.warn(
      { event: 'broker.connection-lost', connection: this.options.name },
      'broker connection lost; reconnecting',
    );
    this.reconnecting = this.establish(Number.POSITIVE_INFINITY)
      .catch((error) =>
        this.options.logger.error(
          { event: 'broker.reconnect-failed', connection: this.options.name, error: (error as Error).message },
          'broker reconnection failed',
        ),
      )
      .finally(() => {
        this.reconnecting = null;
      });
  }
}

/** Hides the password of a URL before it reaches a log line. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<invalid url>';
  }
}
