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

interface Entry {
  apiKey: ApiKey;
  cachedAtMs: number;
}

/**
 * Known keys by hash for API_KEY_CACHE_TTL_MS, so most requests authenticate without a database
 * round trip. A revocation reaches every instance at once through LISTEN/NOTIFY; the TTL bounds how
 * stale an entry can be should a notification be lost. A lost listener empties the cache and
 * listens again after 1 s (doubling up to 30 s).
 * Unknown keys are never cached: a flood of made-up keys cannot fill the memory.
 */
@Injectable()
export class ApiKeyCache implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('api-keys');
  private readonly entries = new Map<string, Entry>();
  private listener: QueryRunner | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly apiKeys: ApiKeyRepository,
    private readonly dataSource: DataSource,
    @Inject(GatewayConfig) private readonly config: GatewayConfig,
  ) {}

  /**
   * The key with this hash if it is cached and fresh: no database round trip. `evenIfStale` also
   * takes an entry past its TTL while the change listener is up, since a revocation or expiry would
   * have reached it (the key's own expiry is checked by the caller).
   */
  cached(keyHash: string, options: { evenIfStale?: boolean } = {}): ApiKey | null {
    const entry = this.entries.get(keyHash);
    if (!entry) return null;
    const fresh = Date.now() - entry.cachedAtMs < this.config.API_KEY_CACHE_TTL_MS;
    return fresh || (options.evenIfStale && this.isListening) ? entry.apiKey : null;
  }

  async findByHash(keyHash: string): Promise<ApiKey | null> {
    const ttl = this.config.API_KEY_CACHE_TTL_MS;
    const cached = this.cached(keyHash);
    if (cached) return cached;
    const apiKey = await this.apiKeys.findByHash(keyHash);
    this.entries.delete(keyHash);
    if (apiKey && ttl > 0) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(keyHash, { apiKey, cachedAtMs: Date.now() });
    }
    return apiKey;
  }

  forget(keyId: string): void {
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
      // Notifications may have been missed meanwhile: no entry can be trusted past its TTL, or at all.
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
      await listener.query(`LISTEN ${CHANGES_CHANNEL}`);
    } catch (error) {
      onLost((error as Error).message);
      return;
    }
    if (!lost) this.listener = listener;
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
