import { isIP } from 'node:net';
import { IsInt, IsIP, IsString, IsUrl, Max, Min } from 'class-validator';
import { Type } from 'class-transformer';
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

  /** Readiness probes one address may make per minute (in a bucket of their own, apart from its API requests). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  READINESS_RATE_PER_MINUTE = 120;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  READINESS_RATE_BURST = 20;

  /**
   * Which X-Forwarded-For hops to believe (for per-address limits): `false` none, a hop count (1 to
   * 10), or a comma-separated list of proxy addresses and CIDRs. Checked by `trustedProxiesOf`.
   */
  @IsString()
  GATEWAY_TRUST_PROXY = 'false';

  /** The bootstrap admin key, installed (hashed) at start-up; empty means none. */
  @IsString()
  CHARGEFLOW_ADMIN_KEY = '';

  /** How long a verified key is trusted without asking the database; revocations reach every instance at once regardless. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(300_000)
  API_KEY_CACHE_TTL_MS = 5_000;

  /**
   * Oldest a cached key may be and still let its holder in without a lookup when its address is out of
   * tokens (a known key keeps working while made-up keys drain the address); at least the TTL.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  API_KEY_CACHE_MAX_AGE_MS = 60_000;

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

/** An address or a CIDR block (`10.0.0.0/8`, `fd00::/8`): what a trusted proxy entry may be. */
function isAddressOrBlock(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}

/** GATEWAY_TRUST_PROXY as the HTTP server takes it: nothing trusted, a hop count, or the proxies' addresses. */
export function trustedProxiesOf(value: string): false | number | string[] {
  if (value === 'false') return false;
  if (/^\d{1,2}$/.test(value) && Number(value) >= 1 && Number(value) <= 10) return Number(value);
  const entries = value.split(',').map((entry) => entry.trim());
  if (entries.every(isAddressOrBlock)) return entries;
  if (value === 'true')
    throw new ConfigurationError(
      `GATEWAY_TRUST_PROXY=true is no longer accepted: it believed every X-Forwarded-For hop, so any client could choose its own address. ` +
        `Set GATEWAY_TRUST_PROXY to the number of proxies in front of the gateway (e.g. GATEWAY_TRUST_PROXY=1 behind one load balancer) ` +
        `or to their addresses (e.g. GATEWAY_TRUST_PROXY=10.0.0.5,10.0.1.0/24), or to false when clients connect directly`,
    );
  throw new ConfigurationError(
    `GATEWAY_TRUST_PROXY must be false, a hop count from 1 to 10, or a comma-separated list of proxy addresses or CIDRs (got ${JSON.stringify(value)})`,
  );
}

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const config = loadConfig(GatewayConfig, env, ['RABBITMQ_URL', 'GATEWAY_DATABASE_URL', 'RABBITMQ_MANAGEMENT_URL']);
  trustedProxiesOf(config.GATEWAY_TRUST_PROXY);
  if (config.API_KEY_CACHE_MAX_AGE_MS < config.API_KEY_CACHE_TTL_MS) {
    throw new ConfigurationError(
      `API_KEY_CACHE_MAX_AGE_MS must be at least API_KEY_CACHE_TTL_MS (${config.API_KEY_CACHE_TTL_MS}) (got ${config.API_KEY_CACHE_MAX_AGE_MS})`,
    );
  }
  // Checked here rather than by a decorator so that the error line never echoes the secret.
  if (config.CHARGEFLOW_ADMIN_KEY !== '' && !isWellFormedApiKey(config.CHARGEFLOW_ADMIN_KEY)) {
    throw new ConfigurationError('CHARGEFLOW_ADMIN_KEY must be 32 to 256 characters without spaces (value not shown)');
  }
  return config;
}
