import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { DataSource, type QueryRunner } from 'typeorm';
import { GatewayConfig } from '../config';
import type { ApiKey } from './api-key';
import { ApiKeyRepository } from './api-key.repository';

const CHANGES_CHANNEL = 'api_key_changed';
const MAX_ENTRIES = 10_000;
const RELISTEN_FIRST_DELAY_MS = 1_000;
const RELISTEN_MAX_DELAY_MS = 30_000;
/** The listener's own name in pg_stat_activity, so an operator (or a test) can tell it from the pool. */
export const LISTENER_APPLICATION_NAME = 'chargeflow-api-gateway-key-listener';
/** How often the listener proves its connection answers; a half-open TCP connection would otherwise look alive. */
const HEARTBEAT_INTERVAL_MS = 5_000;
const HEARTBEAT_TIMEOUT_MS = 2_000;

interface Entry {
  apiKey: ApiKey;
  cachedAtMs: number;
}

/**
 * Known keys by hash for API_KEY_CACHE_TTL_MS, so most requests authenticate without a database
 * round trip. A revocation reaches every instance at once through LISTEN/NOTIFY; the TTL bounds how
 * stale an entry can be should a notification be lost. Every notification (and every loss of the
 * listener) starts a new generation, and a lookup caches its answer only if no generation began while
 * it ran: a key revoked while its lookup was in flight is never cached as active. Only a listening
 * cache keeps entries: a lost listener empties it, and until it listens again (after 1 s, doubling up
 * to 30 s) every request checks the database. Unknown keys are never cached: a flood of made-up keys
 * cannot fill the memory.
 */
@Injectable()
export class ApiKeyCache implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('api-keys');
  private readonly entries = new Map<string, Entry>();
  private generation = 0;
  private listener: QueryRunner | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly apiKeys: ApiKeyRepository,
    private readonly dataSource: DataSource,
    @Inject(GatewayConfig) private readonly config: GatewayConfig,
  ) {}

  /**
   * The key with this hash if it is cached and fresh: no database round trip. `evenIfStale` also
   * takes an entry past its TTL, up to API_KEY_CACHE_MAX_AGE_MS, since a revocation or expiry would
   * have reached the listening cache (the key's own expiry is checked by the caller).
   */
  cached(keyHash: string, options: { evenIfStale?: boolean } = {}): ApiKey | null {
    const entry = this.entries.get(keyHash);
    if (!entry || !this.isListening) return null;
    const ageMs = Date.now() - entry.cachedAtMs;
    const fresh = ageMs < this.config.API_KEY_CACHE_TTL_MS;
    return fresh || (options.evenIfStale && ageMs < this.config.API_KEY_CACHE_MAX_AGE_MS) ? entry.apiKey : null;
  }

  async findByHash(keyHash: string): Promise<ApiKey | null> {
    const ttl = this.config.API_KEY_CACHE_TTL_MS;
    const cached = this.cached(keyHash);
    if (cached) return cached;
    const generation = this.generation;
    const apiKey = await this.apiKeys.findByHash(keyHash);
    this.entries.delete(keyHash);
    if (apiKey && ttl > 0 && this.isListening && generation === this.generation) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(keyHash, { apiKey, cachedAtMs: Date.now() });
    }
    return apiKey;
  }

  forget(keyId: string): void {
    this.generation += 1;
    for (const [hash, entry] of this.entries) if (entry.apiKey.id === keyId) this.entries.delete(hash);
  }

  /** Whether revocations reach this instance right now (the change listener is connected). */
  get isListening(): boolean {
    return this.listener !== null;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.API_KEY_CACHE_TTL_MS === 0) return;
    await this.listen();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    if (this.heartbeat) clearInterval(this.heartbeat);
    const listener = this.listener;
    this.listener = null;
    if (!listener) return;
    await listener.query(`UNLISTEN ${CHANGES_CHANNEL}`).catch(() => undefined);
    await listener.release();
  }

  /** LISTENs on a connection of its own; when it is lost, the cache is emptied and listening starts over. */
  private async listen(): Promise<void> {
    const listener = this.dataSource.createQueryRunner();
    const client = (await listener.connect()) as PoolClient;
    let lost = false;
    const onLost = (reason: string) => {
      if (lost) return;
      lost = true;
      if (this.heartbeat) clearInterval(this.heartbeat);
      this.heartbeat = null;
      // Notifications may have been missed meanwhile: no entry can be trusted, nor any lookup in flight.
      this.generation += 1;
      this.entries.clear();
      if (this.listener === listener) this.listener = null;
      void listener.release().catch(() => undefined);
      if (this.stopped) return;
      this.logger.warn(`API key change listener lost (${reason}); listening again in ${RELISTEN_FIRST_DELAY_MS} ms`);
      this.listenAgain(RELISTEN_FIRST_DELAY_MS);
    };
    client.on('notification', (notification) => {
      if (notification.channel === CHANGES_CHANNEL && notification.payload) this.forget(notification.payload);
    });
    client.on('end', () => onLost('the connection ended'));
    client.on('error', (error) => onLost(error.message));
    try {
      await listener.query(`SET application_name = '${LISTENER_APPLICATION_NAME}'`);
      await listener.query(`LISTEN ${CHANGES_CHANNEL}`);
    } catch (error) {
      onLost((error as Error).message);
      return;
    }
    if (lost) return;
    this.listener = listener;
    this.heartbeat = setInterval(() => {
      const silence = setTimeout(() => {
        this.logger.warn(
          `API key change listener gave no heartbeat answer within ${HEARTBEAT_TIMEOUT_MS} ms: cutting it`,
        );
        // Only the socket is cut here: the client then reports the loss itself (onLost above) and is no
        // longer queryable, so the pool discards it instead of handing a dead connection to a lookup.
        (client as PoolClient & { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
      }, HEARTBEAT_TIMEOUT_MS);
      client.query('SELECT 1').then(
        () => clearTimeout(silence),
        (error: Error) => {
          clearTimeout(silence);
          onLost(error.message);
        },
      );
    }, HEARTBEAT_INTERVAL_MS);
    this.heartbeat.unref();
  }

  private listenAgain(delayMs: number): void {
    this.retry = setTimeout(() => {
      this.retry = null;
      this.listen().then(
        () => this.isListening && this.logger.log('API key change listener back'),
        (error: Error) => {
          this.logger.warn(`API key change listener still down (${error.message})`);
          if (!this.stopped) this.listenAgain(Math.min(delayMs * 2, RELISTEN_MAX_DELAY_MS));
        },
      );
    }, delayMs);
    this.retry.unref();
  }
}
