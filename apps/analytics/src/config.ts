import { IsUrl } from 'class-validator';
import { defaultDatabaseUrl } from '@chargeflow/contracts';
import { BaseServiceConfig, loadConfig, POSTGRES_URL } from '@chargeflow/runtime';

export class AnalyticsConfig extends BaseServiceConfig {
  @IsUrl(POSTGRES_URL)
  ANALYTICS_DATABASE_URL = defaultDatabaseUrl('analytics');
}

export function loadAnalyticsConfig(env: NodeJS.ProcessEnv = process.env): AnalyticsConfig {
  return loadConfig(AnalyticsConfig, env, ['RABBITMQ_URL', 'ANALYTICS_DATABASE_URL']);
}
