import { IsTimeZone, IsUrl } from 'class-validator';
import { defaultDatabaseUrl } from '@chargeflow/contracts';
import { OutboxServiceConfig, loadConfig, POSTGRES_URL } from '@chargeflow/runtime';

export class PricingConfig extends OutboxServiceConfig {
  @IsUrl(POSTGRES_URL)
  PRICING_DATABASE_URL = defaultDatabaseUrl('pricing');

  /** The zone a ride's time restrictions are read in (charges use their station's). */
  @IsTimeZone()
  OPERATOR_TIME_ZONE = 'UTC';
}

export function loadPricingConfig(env: NodeJS.ProcessEnv = process.env): PricingConfig {
  return loadConfig(PricingConfig, env, ['RABBITMQ_URL', 'PRICING_DATABASE_URL']);
}
