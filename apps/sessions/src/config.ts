import { Type } from 'class-transformer';
import { IsInt, IsUrl, Max, Min } from 'class-validator';
import { defaultDatabaseUrl } from '@chargeflow/contracts';
import { OutboxServiceConfig, loadConfig, POSTGRES_URL } from '@chargeflow/runtime';

export class SessionsConfig extends OutboxServiceConfig {
  @IsUrl(POSTGRES_URL)
  SESSIONS_DATABASE_URL = defaultDatabaseUrl('sessions');

  /** How long an end waits for telemetry's seal; below the gateway's deadline, so the client hears why. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(60_000)
  SEAL_TIMEOUT_MS = 3_000;

  /** A requested end still unfinished this long after its last attempt is run again by the end reconciler. */
  @Type(() => Number)
  @IsInt()
  @Min(500)
  @Max(600_000)
  END_RETRY_AFTER_MS = 5_000;

  /** How often the end reconciler looks for unfinished ends. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(60_000)
  END_RETRY_INTERVAL_MS = 1_000;
}

export function loadSessionsConfig(env: NodeJS.ProcessEnv = process.env): SessionsConfig {
  return loadConfig(SessionsConfig, env, ['RABBITMQ_URL', 'SESSIONS_DATABASE_URL']);
}
