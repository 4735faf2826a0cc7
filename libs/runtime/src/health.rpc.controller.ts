import { Controller, Inject, Optional } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import {
  CommonRpcPatterns,
  type BackendService,
  type DependencyStatus,
  type HealthReport,
} from '@chargeflow/contracts';
import { AmqpConnection } from '@chargeflow/messaging';
import { SERVICE_NAME } from './service-tokens';

/** What a service adds to its health report beyond its connections (a projection's rebuild progress). */
export interface HealthDetails {
  current(): Promise<Pick<HealthReport, 'rebuilding'>>;
}

/** Optional: a service that has details to report provides them under this token from a global module. */
export const HEALTH_DETAILS = Symbol('HEALTH_DETAILS');

/** How long one health report is reused: callers, however many, cost the database one check a second. */
export const HEALTH_REPORT_CACHE_MS = 1_000;

/** Answers `health.v1`: whether this instance reaches its own database and the broker, as of at most a second ago. */
@Controller()
export class HealthRpcController {
  private latest: { report: Promise<HealthReport>; until: number } | null = null;

  constructor(
    @Inject(SERVICE_NAME) private readonly service: BackendService,
    private readonly dataSource: DataSource,
    private readonly connection: AmqpConnection,
    @Optional() @Inject(HEALTH_DETAILS) private readonly details?: HealthDetails,
  ) {}

  @MessagePattern(CommonRpcPatterns.health)
  check(): Promise<HealthReport> {
    if (this.latest && (this.latest.until === 0 || Date.now() < this.latest.until)) return this.latest.report;
    const latest = { report: this.report(), until: 0 };
    void latest.report.finally(() => {
      latest.until = Date.now() + HEALTH_REPORT_CACHE_MS;
    });
    this.latest = latest;
    return latest.report;
  }

  private async report(): Promise<HealthReport> {
    const database: DependencyStatus = await this.dataSource.query('SELECT 1').then(
      () => 'up',
      () => 'down',
    );
    const broker: DependencyStatus = this.connection.isConnected ? 'up' : 'down';
    return {
      service: this.service,
      status: database === 'up' && broker === 'up' ? 'up' : 'down',
      database,
      broker,
      checkedAt: new Date().toISOString(),
      ...(database === 'up' && this.details ? await this.details.current() : {}),
    };
  }
}
