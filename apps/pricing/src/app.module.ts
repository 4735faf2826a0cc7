import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxRelayModule, postgresOptions } from '@chargeflow/runtime';
import type { PricingConfig } from './config';
import { pricingMigrations } from './migrations';
import { PricingModule } from './pricing.module';

/** The pricing database's options: the shared ones, every query under the service's statement timeout. */
export function pricingDatabaseOptions(
  config: Pick<PricingConfig, 'PRICING_DATABASE_URL' | 'PRICING_STATEMENT_TIMEOUT_MS'>,
) {
  const options = postgresOptions({
    url: config.PRICING_DATABASE_URL,
    applicationName: 'chargeflow-pricing',
    migrations: pricingMigrations,
  });
  return { ...options, extra: { ...options.extra, statement_timeout: config.PRICING_STATEMENT_TIMEOUT_MS } };
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
