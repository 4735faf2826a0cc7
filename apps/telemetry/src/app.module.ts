import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxRelayModule, postgresOptions } from '@chargeflow/runtime';
import type { TelemetryConfig } from './config';
import { IngestModule } from './ingest/ingest.module';
import { telemetryMigrations } from './migrations';

@Module({})
export class AppModule {
  static register(config: TelemetryConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot({
          ...postgresOptions({
            url: config.TELEMETRY_DATABASE_URL,
            statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
            applicationName: 'chargeflow-telemetry',
            migrations: telemetryMigrations,
          }),
          retryAttempts: 10,
          retryDelay: 1_000,
        }),
        OutboxRelayModule.register(config.OUTBOX_RETENTION_HOURS),
        IngestModule.register({
          batchSize: config.TELEMETRY_BATCH_SIZE,
          lanes: config.TELEMETRY_INGEST_LANES,
          clockSkewMs: config.TELEMETRY_CLOCK_SKEW_MS,
          parkedRetryMs: config.TELEMETRY_PARKED_RETRY_MS,
        }),
      ],
    };
  }
}
