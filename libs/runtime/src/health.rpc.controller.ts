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

/** Answers `health.v1`: whether this instance reaches its own database and the broker right now. */
@Controller()
export class HealthRpcController {
  constructor(
    @Inject(SERVICE_NAME) private readonly service: BackendService,
    private readonly dataSource: DataSource,
    private readonly connection: AmqpConnection,
    @Optional() @Inject(HEALTH_DETAILS) private readonly details?: HealthDetails,
  ) {}

  @MessagePattern(CommonRpcPatterns.health)
  async check(): Promise<HealthReport> {
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
