import { IsUrl } from 'class-validator';
import { defaultDatabaseUrl } from '@chargeflow/contracts';
import { BaseServiceConfig, loadConfig, POSTGRES_URL } from '@chargeflow/runtime';

export class SessionsConfig extends BaseServiceConfig {
  @IsUrl(POSTGRES_URL)
  SESSIONS_DATABASE_URL = defaultDatabaseUrl('sessions');
}

export function loadSessionsConfig(env: NodeJS.ProcessEnv = process.env): SessionsConfig {
  return loadConfig(SessionsConfig, env, ['RABBITMQ_URL', 'SESSIONS_DATABASE_URL']);
}
