import { IsUrl } from 'class-validator';
import { defaultDatabaseUrl } from '@chargeflow/contracts';
import { BaseServiceConfig, loadConfig, POSTGRES_URL } from '@chargeflow/runtime';

export class TelemetryConfig extends BaseServiceConfig {
  @IsUrl(POSTGRES_URL)
  TELEMETRY_DATABASE_URL = defaultDatabaseUrl('telemetry');
}

export function loadTelemetryConfig(env: NodeJS.ProcessEnv = process.env): TelemetryConfig {
  return loadConfig(TelemetryConfig, env, ['RABBITMQ_URL', 'TELEMETRY_DATABASE_URL']);
}
