import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { postgresOptions } from '@chargeflow/runtime';
import type { AnalyticsConfig } from './config';
import { analyticsMigrations } from './migrations';
import { AnalyticsQueryModule } from './query/analytics-query.module';

@Module({})
export class AppModule {
  static register(config: AnalyticsConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot({
          ...postgresOptions({
            url: config.ANALYTICS_DATABASE_URL,
            applicationName: 'chargeflow-analytics',
            migrations: analyticsMigrations,
          }),
          retryAttempts: 10,
          retryDelay: 1_000,
        }),
        AnalyticsQueryModule,
      ],
    };
  }
}
