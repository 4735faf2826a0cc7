import 'reflect-metadata';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsUrl, Max, Min } from 'class-validator';
import type { IsURLOptions } from 'validator';
import { DEFAULT_RABBITMQ_URL } from '@chargeflow/contracts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

export const POSTGRES_URL: IsURLOptions = {
  protocols: ['postgres', 'postgresql'],
  require_tld: false,
  require_protocol: true,
};

const AMQP_URL: IsURLOptions = { protocols: ['amqp', 'amqps'], require_tld: false, require_protocol: true };

/** What every service needs: the broker and how much to log. Each service adds its database URL. */
export class BaseServiceConfig {
  @IsUrl(AMQP_URL)
  RABBITMQ_URL = DEFAULT_RABBITMQ_URL;

  /**
   * Every node of a RabbitMQ cluster, comma-separated: the service connects to the first and, when a
   * node fails or goes away, to the next. Empty: RABBITMQ_URL alone.
   */
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',').map((url) => url.trim()) : value))
  @IsUrl(AMQP_URL, { each: true })
  RABBITMQ_URLS: string[] = [];

  @IsIn(LOG_LEVELS)
  LOG_LEVEL = 'info';

  /** How long a publish may wait for the broker's confirm (a broker blocking publishers never sends it). */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  BROKER_CONFIRM_TIMEOUT_MS = 5_000;

  /**
   * Longest a database statement may run before PostgreSQL cancels it (below the gateway's
   * RPC_TIMEOUT_MS, so that a request that asks for too much is answered, not left running).
   */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  DATABASE_STATEMENT_TIMEOUT_MS = 4_000;
}

/** A service that publishes through an outbox: also how long its published rows are kept. */
export class OutboxServiceConfig extends BaseServiceConfig {
  /** How long published outbox rows are kept before they are deleted (unpublished ones always stay). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  OUTBOX_RETENTION_HOURS = 168;
}
