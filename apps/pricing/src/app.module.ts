import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxRelayModule, postgresOptions } from '@chargeflow/runtime';
import type { PricingConfig } from './config';
import { pricingMigrations } from './migrations';
import { PricingModule } from './pricing.module';

@Module({})
export class AppModule {
  static register(config: PricingConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot({
          ...postgresOptions({
            url: config.PRICING_DATABASE_URL,
            statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
            applicationName: 'chargeflow-pricing',
            migrations: pricingMigrations,
          }),
          retryAttempts: 10,
          retryDelay: 1_000,
        }),
        OutboxRelayModule.register(config.OUTBOX_RETENTION_HOURS),
        PricingModule.register(config.OPERATOR_TIME_ZONE),
      ],
    };
  }
}
