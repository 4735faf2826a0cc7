import { Module, type DynamicModule, type Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AmqpConnection, RpcClient } from '@chargeflow/messaging';
import {
  createIsolatedDatabase,
  createIsolatedVhost,
  RecordingLogger,
  type IsolatedDatabase,
  type IsolatedVhost,
} from '@chargeflow/testing';
import { AppModule } from '../src/app.module';
import { issueApiKey } from '../src/auth/api-key-secret';
import type { ApiRole } from '../src/auth/roles.decorator';
import { RouteCatalog, type CatalogRoute } from '../src/auth/route-catalog';
import { loadGatewayConfig } from '../src/config';
import { createGatewayApp } from '../src/gateway-app';

export interface GatewayResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RequestOptions {
  key?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

/**
 * The real gateway (its module, database migrations, guards, filters and docs) on a database and
 * virtual host of the suite's own, listening on a free port; `fixtures` add test-only routes.
 */
export class GatewayHarness {
  private constructor(
    readonly url: string,
    readonly adminKey: string,
    private readonly app: NestFastifyApplication,
    private readonly database: IsolatedDatabase,
    readonly vhost: IsolatedVhost,
    private readonly ownsInfrastructure: boolean,
  ) {}

  static async start(
    label: string,
    env: Record<string, string> = {},
    fixtures: (Type | DynamicModule)[] = [],
    sameDatabaseAs?: GatewayHarness,
  ): Promise<GatewayHarness> {
    const [database, vhost] = sameDatabaseAs
      ? [sameDatabaseAs.database, sameDatabaseAs.vhost]
      : await Promise.all([createIsolatedDatabase(label), createIsolatedVhost(label)]);
    const adminKey = sameDatabaseAs?.adminKey ?? issueApiKey().key;
    const config = loadGatewayConfig({
      GATEWAY_DATABASE_URL: database.url,
      RABBITMQ_URL: vhost.url,
      CHARGEFLOW_ADMIN_KEY: adminKey,
      RPC_TIMEOUT_MS: '500',
      READINESS_TIMEOUT_MS: '500',
      RATE_LIMIT_KEY_PER_MINUTE: '100000',
      RATE_LIMIT_KEY_BURST: '10000',
      RATE_LIMIT_ADDRESS_PER_MINUTE: '100000',
      RATE_LIMIT_ADDRESS_BURST: '10000',
      ...env,
    });
    const logger = new RecordingLogger();
    const connection = await AmqpConnection.open({ url: vhost.url, name: `test-${label}`, logger });
    const rpc = await RpcClient.create(connection);
    @Module({ imports: [AppModule.register(config, connection, rpc), ...fixtures] })
    class GatewayUnderTest {}
    const app = await createGatewayApp(GatewayUnderTest, config);
    await app.listen(0, '127.0.0.1');
    return new GatewayHarness(await app.getUrl(), adminKey, app, database, vhost, !sameDatabaseAs);
  }

  routes(): CatalogRoute[] {
    return this.app.get(RouteCatalog).routes();
  }

  /** One of the running gateway's own providers, to observe it. */
  provider<T>(type: Type<T>): T {
    return this.app.get(type);
  }

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<GatewayResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.key) headers.authorization = `Bearer ${options.key}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(`${this.url}${path}`, { method, headers, body, signal: AbortSignal.timeout(10_000) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON (metrics, docs): the text itself is the body.
    }
    return { status: response.status, headers: response.headers, body: parsed as T };
  }

  get databaseUrl(): string {
    return this.database.url;
  }

  /** A new key of `role`, created through the API with the bootstrap admin key. */
  async createKey(role: ApiRole, extra: Record<string, unknown> = {}): Promise<{ id: string; key: string }> {
    const name = `${role}-${Math.random().toString(36).slice(2, 10)}`;
    const response = await this.request<{ id: string; key: string }>('POST', '/v1/api-keys', {
      key: this.adminKey,
      body: { name, role, ...extra },
    });
    if (response.status !== 201)
      throw new Error(`creating a ${role} key failed: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  }

  async stop(): Promise<void> {
    await this.app.close();
    if (this.ownsInfrastructure) await Promise.all([this.database.drop(), this.vhost.remove()]);
  }
}
