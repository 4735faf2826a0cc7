import { Controller, Get, HttpCode, Inject, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import {
  BackendServices,
  CommonRpcPatterns,
  type AnalyticsRebuildProgress,
  type BackendService,
  type HealthReport,
} from '@chargeflow/contracts';
import { AmqpConnection, RpcClient, RpcUnavailableError } from '@chargeflow/messaging';
import { GatewayConfig } from '../config';
import { Public } from '../auth/roles.decorator';
import { ApiProblems } from '../openapi/api-problems.decorator';
import { ProblemException } from '../problem/problem';
import { RateLimiter } from '../rate-limit/rate-limiter';

export interface ServiceReadiness {
  status: 'up' | 'down';
  database?: 'up' | 'down';
  broker?: 'up' | 'down';
  reason?: string;
  /** A service rebuilding its projection is up (ready) and says how far it got. */
  rebuilding?: AnalyticsRebuildProgress;
}

export interface Readiness {
  status: 'ready';
  services: Record<BackendService | 'api-gateway', ServiceReadiness>;
}

const UP = { status: 'up', database: 'up', broker: 'up' };

/** How long one readiness answer is reused: probes, however many, cost the services one check a second. */
export const READINESS_CACHE_MS = 1_000;

@ApiTags('Health')
@Public()
@Controller()
export class HealthController {
  private latest: { services: Promise<Readiness['services']>; until: number } | null = null;

  constructor(
    private readonly limiter: RateLimiter,
    private readonly rpc: RpcClient,
    private readonly connection: AmqpConnection,
    private readonly dataSource: DataSource,
    @Inject(GatewayConfig) private readonly config: GatewayConfig,
  ) {}

  /** The gateway process is up; says nothing about what is behind it. */
  @Get('healthz')
  @HttpCode(200)
  @ApiOperation({ summary: 'The gateway process is up' })
  @ApiOkResponse({
    schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } } },
    example: { status: 'ok' },
  })
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Ready only when every service answers its health check in time with its database up. */
  @Get('readyz')
  @ApiOperation({
    summary: 'Every service answers with its database up',
    description:
      'Each service has READINESS_TIMEOUT_MS to answer its health check. One answer is reused for about a second, and each address may probe READINESS_RATE_PER_MINUTE times a minute (429 above).',
  })
  @ApiOkResponse({
    schema: {
      type: 'object',
      properties: { status: { type: 'string', enum: ['ready'] }, services: { type: 'object' } },
    },
    example: {
      status: 'ready',
      services: { 'api-gateway': UP, sessions: UP, telemetry: UP, pricing: UP, analytics: UP },
    },
  })
  @ApiProblems(
    {
      code: 'NOT_READY',
      detail: 'not ready: telemetry (no answer within 2000 ms)',
      services: {
        'api-gateway': UP,
        sessions: UP,
        telemetry: { status: 'down', reason: 'no answer within 2000 ms' },
        pricing: UP,
        analytics: UP,
      },
    },
    { code: 'RATE_LIMITED', detail: 'too many readiness probes from this address: 120 per minute; retry in 1 s' },
  )
  async readyz(@Req() request: FastifyRequest): Promise<Readiness> {
    const decision = this.limiter.take({ probe: request.ip });
    if (!decision.allowed) {
      throw new ProblemException(
        'RATE_LIMITED',
        `too many readiness probes from this address: ${decision.limit.perMinute} per minute; retry in ${decision.retryAfterSeconds} s`,
        { retryAfterSeconds: decision.retryAfterSeconds },
        { 'retry-after': String(decision.retryAfterSeconds) },
      );
    }
    const services = await this.current(String(request.id));
    const notReady = Object.entries(services).filter(([, readiness]) => readiness.status !== 'up');
    if (notReady.length > 0) {
      const detail = notReady.map(([name, readiness]) => `${name} (${readiness.reason})`).join(', ');
      throw new ProblemException('NOT_READY', `not ready: ${detail}`, { services });
    }
    return { status: 'ready', services };
  }

  /** The checks of every service, shared by every probe while they run and for READINESS_CACHE_MS after. */
  private current(correlationId: string): Promise<Readiness['services']> {
    if (this.latest && (this.latest.until === 0 || Date.now() < this.latest.until)) return this.latest.services;
    const latest = { services: this.check(correlationId), until: 0 };
    void latest.services.finally(() => {
      latest.until = Date.now() + READINESS_CACHE_MS;
    });
    this.latest = latest;
    return latest.services;
  }

  private async check(correlationId: string): Promise<Readiness['services']> {
    const entries = await Promise.all(
      BackendServices.map(async (service) => [service, await this.probe(service, correlationId)] as const),
    );
    return Object.fromEntries([['api-gateway', await this.self()], ...entries]) as Readiness['services'];
  }

  private async self(): Promise<ServiceReadiness> {
    const database = await this.dataSource.query('SELECT 1').then(
      () => 'up' as const,
      () => 'down' as const,
    );
    const broker = this.connection.isConnected ? 'up' : 'down';
    const status = database === 'up' && broker === 'up' ? 'up' : 'down';
    return {
      status,
      database,
      broker,
      ...(status === 'down' ? { reason: `database ${database}, broker ${broker}` } : {}),
    };
  }

  private async probe(service: BackendService, correlationId: string): Promise<ServiceReadiness> {
    try {
      const reply = await this.rpc.request<HealthReport>(
        service,
        CommonRpcPatterns.health,
        {},
        {
          correlationId,
          timeoutMs: this.config.READINESS_TIMEOUT_MS,
        },
      );
      if (!reply.ok) return { status: 'down', reason: reply.error.message };
      const { status, database, broker, rebuilding } = reply.data;
      return {
        status,
        database,
        broker,
        ...(status === 'down' ? { reason: `database ${database}, broker ${broker}` } : {}),
        ...(rebuilding ? { rebuilding } : {}),
      };
    } catch (error) {
      return {
        status: 'down',
        reason:
          error instanceof RpcUnavailableError
            ? `no answer within ${this.config.READINESS_TIMEOUT_MS} ms`
            : (error as Error).message,
      };
    }
  }
}
