import { IsBoolean, IsInt, IsIP, IsString, IsUrl, Max, Min } from 'class-validator';
import { Transform, Type } from 'class-transformer';
import { defaultDatabaseUrl } from '@chargeflow/contracts';
import { BaseServiceConfig, ConfigurationError, loadConfig, POSTGRES_URL } from '@chargeflow/runtime';
import { isWellFormedApiKey } from './auth/api-key-secret';

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

  /**
   * RabbitMQ's management API (with an administrator's credentials): device credentials are broker
   * users the gateway creates there. Empty: the broker of RABBITMQ_URL, port 15672, same user.
   */
  @IsString()
  RABBITMQ_MANAGEMENT_URL = '';

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

  /** Behind a reverse proxy: take the client address from X-Forwarded-For (for per-address limits). */
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  GATEWAY_TRUST_PROXY = false;

  /** The bootstrap admin key, installed (hashed) at start-up; empty means none. */
  @IsString()
  CHARGEFLOW_ADMIN_KEY = '';

  /** How long a verified key is trusted without asking the database; revocations reach every instance at once regardless. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(300_000)
  API_KEY_CACHE_TTL_MS = 5_000;

  /** Largest request body accepted; larger ones get 413. */
  @Type(() => Number)
  @IsInt()
  @Min(1_024)
  @Max(104_857_600)
  GATEWAY_BODY_LIMIT_BYTES = 1_048_576;

  /** Sustained requests per minute of one API key. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  RATE_LIMIT_KEY_PER_MINUTE = 1_200;

  /** Requests one API key may make at once before the sustained rate applies. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  RATE_LIMIT_KEY_BURST = 120;

  /** Sustained requests per minute of one address without a valid key. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  RATE_LIMIT_ADDRESS_PER_MINUTE = 120;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  RATE_LIMIT_ADDRESS_BURST = 60;
}

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const config = loadConfig(GatewayConfig, env, ['RABBITMQ_URL', 'GATEWAY_DATABASE_URL', 'RABBITMQ_MANAGEMENT_URL']);
  // Checked here rather than by a decorator so that the error line never echoes the secret.
  if (config.CHARGEFLOW_ADMIN_KEY !== '' && !isWellFormedApiKey(config.CHARGEFLOW_ADMIN_KEY)) {
    throw new ConfigurationError('CHARGEFLOW_ADMIN_KEY must be 32 to 256 characters without spaces (value not shown)');
  }
  return config;
}
