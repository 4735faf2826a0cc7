import { Type } from 'class-transformer';
import { IsInt, IsTimeZone, IsUrl, Min } from 'class-validator';
import { defaultDatabaseUrl } from '@chargeflow/contracts';
import { OutboxServiceConfig, loadConfig, POSTGRES_URL } from '@chargeflow/runtime';

export class PricingConfig extends OutboxServiceConfig {
  @IsUrl(POSTGRES_URL)
  PRICING_DATABASE_URL = defaultDatabaseUrl('pricing');

  /** The zone a ride's time restrictions are read in (charges use their station's); stored with each record. */
  @IsTimeZone()
  OPERATOR_TIME_ZONE = 'UTC';

  /** How often the sweep prices UNPRICED sessions a tariff now applies to (at most 200 a run). */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  PRICING_SWEEP_INTERVAL_MS = 30_000;
}

export function loadPricingConfig(env: NodeJS.ProcessEnv = process.env): PricingConfig {
  return loadConfig(PricingConfig, env, ['RABBITMQ_URL', 'PRICING_DATABASE_URL']);
}
