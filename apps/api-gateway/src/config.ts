import { IsInt, IsIP, IsUrl, Max, Min } from 'class-validator';
import { Type } from 'class-transformer';
import { defaultDatabaseUrl } from '@chargeflow/contracts';
import { BaseServiceConfig, loadConfig, POSTGRES_URL } from '@chargeflow/runtime';

export class GatewayConfig extends BaseServiceConfig {
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65_535)
  GATEWAY_PORT = 3000;

  @IsIP()
  GATEWAY_HOST = '127.0.0.1';

  @IsUrl(POSTGRES_URL)
  GATEWAY_DATABASE_URL = defaultDatabaseUrl('api-gateway');

  /** Deadline of every call to a backend service; past it the client gets 503. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(60_000)
  RPC_TIMEOUT_MS = 5_000;

  /** Deadline of each service's health answer in `GET /readyz`. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(60_000)
  READINESS_TIMEOUT_MS = 2_000;
}

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(GatewayConfig, env, ['RABBITMQ_URL', 'GATEWAY_DATABASE_URL']);
}
