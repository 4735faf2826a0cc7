import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxRelayModule, postgresOptions } from '@chargeflow/runtime';
import type { SessionsConfig } from './config';
import { sessionsMigrations } from './migrations';
import { SessionModule } from './session/session.module';

@Module({})
export class AppModule {
  static register(config: SessionsConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot({
          ...postgresOptions({
            url: config.SESSIONS_DATABASE_URL,
            statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
            applicationName: 'chargeflow-sessions',
            migrations: sessionsMigrations,
          }),
          retryAttempts: 10,
          retryDelay: 1_000,
        }),
        OutboxRelayModule.register(config.OUTBOX_RETENTION_HOURS),
        SessionModule.register(config.SEAL_TIMEOUT_MS, {
          afterMs: config.END_RETRY_AFTER_MS,
          intervalMs: config.END_RETRY_INTERVAL_MS,
        }),
      ],
    };
  }
}
