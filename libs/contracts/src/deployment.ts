/**
 * The deployment contract between the services and whatever runs them: which databases exist, the
 * variable that locates each, and the local default that `npm start` provisions.
 */
/** The broker every service and tool uses when RABBITMQ_URL is not set: the local one `npm start` runs. */
export const DEFAULT_RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';

/** Set by a launcher to its own pid: a service it started stops once that process is gone. */
export const SUPERVISOR_PID_VARIABLE = 'CHARGEFLOW_SUPERVISOR_PID';

export const DatabaseOwners = [
  'api-gateway',
  'sessions',
  'telemetry',
  'pricing',
  'analytics',
  'central-system',
] as const;

export type DatabaseOwner = (typeof DatabaseOwners)[number];

export const DATABASE_URL_VARIABLES: Record<DatabaseOwner, string> = {
  'api-gateway': 'GATEWAY_DATABASE_URL',
  sessions: 'SESSIONS_DATABASE_URL',
  telemetry: 'TELEMETRY_DATABASE_URL',
  pricing: 'PRICING_DATABASE_URL',
  analytics: 'ANALYTICS_DATABASE_URL',
  'central-system': 'CENTRAL_SYSTEM_DATABASE_URL',
};

const ROLE_OF: Record<DatabaseOwner, string> = {
  'api-gateway': 'gateway',
  sessions: 'sessions',
  telemetry: 'telemetry',
  pricing: 'pricing',
  analytics: 'analytics',
  'central-system': 'central_system',
};

export function defaultDatabaseUrl(owner: DatabaseOwner): string {
  const role = ROLE_OF[owner];
  return `postgres://${role}:${role}@127.0.0.1:5432/${role}`;
}

/** The URL a service uses: its variable when set, the local default otherwise. */
export function databaseUrlOf(owner: DatabaseOwner, env: NodeJS.ProcessEnv = process.env): string {
  return env[DATABASE_URL_VARIABLES[owner]] || defaultDatabaseUrl(owner);
}
