import { IsUrl } from 'class-validator';
import { defaultDatabaseUrl } from '@chargeflow/contracts';
import { BaseServiceConfig, loadConfig, POSTGRES_URL } from '@chargeflow/runtime';

export class PricingConfig extends BaseServiceConfig {
  @IsUrl(POSTGRES_URL)
  PRICING_DATABASE_URL = defaultDatabaseUrl('pricing');
}

export function loadPricingConfig(env: NodeJS.ProcessEnv = process.env): PricingConfig {
  return loadConfig(PricingConfig, env, ['RABBITMQ_URL', 'PRICING_DATABASE_URL']);
}
