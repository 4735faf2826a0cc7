import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { DataSource, type QueryRunner } from 'typeorm';
import { GatewayConfig } from '../config';
import type { ApiKey } from './api-key';
import { ApiKeyRepository } from './api-key.repository';

const CHANGES_CHANNEL = 'api_key_changed';
const MAX_ENTRIES = 10_000;

interface Entry {
  apiKey: ApiKey;
  cachedAtMs: number;
}

/**
 * Known keys by hash for API_KEY_CACHE_TTL_MS, so most requests authenticate without a database
 * round trip. A revocation reaches every instance at once through LISTEN/NOTIFY; the TTL bounds how
 * stale an entry can be should a notification be lost (e.g. while the listener reconnects).
 * Unknown keys are never cached: a flood of made-up keys cannot fill the memory.
 */
@Injectable()
export class ApiKeyCache implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('api-keys');
  private readonly entries = new Map<string, Entry>();
  private listener: QueryRunner | null = null;
  private listening = false;

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
    return fresh || (options.evenIfStale && this.listening) ? entry.apiKey : null;
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

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.API_KEY_CACHE_TTL_MS === 0) return;
    const listener = this.dataSource.createQueryRunner();
    const client = (await listener.connect()) as PoolClient;
    client.on('notification', (notification) => {
      if (notification.channel === CHANGES_CHANNEL && notification.payload) this.forget(notification.payload);
    });
    client.on('end', () => (this.listening = false));
    client.on('error', (error) => {
      this.logger.warn(`API key change listener lost (${error.message}); cache entries now expire after ${this.config.API_KEY_CACHE_TTL_MS} ms`);
      this.listening = false;
      this.entries.clear();
    });
    await listener.query(`LISTEN ${CHANGES_CHANNEL}`);
    this.listener = listener;
    this.listening = true;
  }

  async onModuleDestroy(): Promise<void> {
    if (!this.listener) return;
    await this.listener.query(`UNLISTEN ${CHANGES_CHANNEL}`).catch(() => undefined);
    await this.listener.release();
  }
}
