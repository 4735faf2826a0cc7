import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { postgresOptions } from '@chargeflow/runtime';
import type { AnalyticsConfig } from './config';
import { analyticsMigrations } from './migrations';
import { ProjectionModule } from './projection/projection.module';
import { AnalyticsQueryModule } from './query/analytics-query.module';
import { RebuildModule } from './rebuild/rebuild.module';
import { StatusModule } from './status/status.module';
import { VerifyModule } from './verify/verify.module';

@Module({})
export class AppModule {
  static register(config: AnalyticsConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot({
          ...postgresOptions({
            url: config.ANALYTICS_DATABASE_URL,
            statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
            applicationName: 'chargeflow-analytics',
            migrations: analyticsMigrations,
          }),
          retryAttempts: 10,
          retryDelay: 1_000,
        }),
        ProjectionModule,
        RebuildModule,
        VerifyModule,
        StatusModule,
        AnalyticsQueryModule,
      ],
    };
  }
}
