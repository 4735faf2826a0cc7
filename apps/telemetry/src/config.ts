import { Type } from 'class-transformer';
import { IsInt, IsUrl, Max, Min } from 'class-validator';
import { defaultDatabaseUrl } from '@chargeflow/contracts';
import { OutboxServiceConfig, loadConfig, POSTGRES_URL } from '@chargeflow/runtime';

export class TelemetryConfig extends OutboxServiceConfig {
  @IsUrl(POSTGRES_URL)
  TELEMETRY_DATABASE_URL = defaultDatabaseUrl('telemetry');

  /** The largest batch of samples taken off the queue at once; the broker may push twice as many. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2_000)
  TELEMETRY_BATCH_SIZE = 500;

  /** Transactions a batch is split into, by session, and written side by side (one of the 10 pooled database connections each). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(4)
  TELEMETRY_INGEST_LANES = 2;

  /** How much earlier than its session's start a sample may say it was emitted (device clock skew). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(24 * 60 * 60_000)
  TELEMETRY_CLOCK_SKEW_MS = 10 * 60_000;

  /** How often samples parked during a sessions outage are tried again. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(60_000)
  TELEMETRY_PARKED_RETRY_MS = 2_000;
}

export function loadTelemetryConfig(env: NodeJS.ProcessEnv = process.env): TelemetryConfig {
  return loadConfig(TelemetryConfig, env, ['RABBITMQ_URL', 'TELEMETRY_DATABASE_URL']);
}
