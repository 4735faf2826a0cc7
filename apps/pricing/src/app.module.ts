import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxRelayModule, postgresOptions } from '@chargeflow/runtime';
import type { PricingConfig } from './config';
import { pricingMigrations } from './migrations';
import { PricingModule } from './pricing.module';

/** The pricing database's options: the shared ones, every query under the services' statement timeout. */
export function pricingDatabaseOptions(
  config: Pick<PricingConfig, 'PRICING_DATABASE_URL' | 'DATABASE_STATEMENT_TIMEOUT_MS'>,
) {
  return postgresOptions({
    url: config.PRICING_DATABASE_URL,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    applicationName: 'chargeflow-pricing',
    migrations: pricingMigrations,
  });
}

@Module({})
export class AppModule {
  static register(config: PricingConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot({ ...pricingDatabaseOptions(config), retryAttempts: 10, retryDelay: 1_000 }),
        OutboxRelayModule.register(config.OUTBOX_RETENTION_HOURS),
        PricingModule.register({
          operatorTimeZone: config.OPERATOR_TIME_ZONE,
          sweepIntervalMs: config.PRICING_SWEEP_INTERVAL_MS,
        }),
      ],
    };
  }
}
