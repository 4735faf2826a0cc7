import { Type } from 'class-transformer';
import { IsInt, IsUrl, Max, Min } from 'class-validator';
import { defaultDatabaseUrl } from '@chargeflow/contracts';
import { BaseServiceConfig, loadConfig, POSTGRES_URL } from '@chargeflow/runtime';

export class TelemetryConfig extends BaseServiceConfig {
  @IsUrl(POSTGRES_URL)
  TELEMETRY_DATABASE_URL = defaultDatabaseUrl('telemetry');

  /** The largest batch of samples written in one transaction; the broker may push twice as many at once. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2_000)
  TELEMETRY_BATCH_SIZE = 500;
}

export function loadTelemetryConfig(env: NodeJS.ProcessEnv = process.env): TelemetryConfig {
  return loadConfig(TelemetryConfig, env, ['RABBITMQ_URL', 'TELEMETRY_DATABASE_URL']);
}
