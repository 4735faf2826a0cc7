import { DEFAULT_RABBITMQ_URL } from '@chargeflow/contracts';

/** Where the broker and the PostgreSQL server are, from the environment or the local defaults. */
export interface InfraSettings {
  rabbitmqUrl: string;
  /** A PostgreSQL superuser URL: provisions the services' roles and databases, and tests' databases. */
  adminDatabaseUrl: string;
  /** RabbitMQ's management API: tests create their own virtual hosts through it. */
  rabbitmqManagementUrl: string;
}

export const DEFAULT_ADMIN_DATABASE_URL = 'postgres://postgres:postgres@127.0.0.1:5432/postgres';

export function infraSettings(env: NodeJS.ProcessEnv = process.env): InfraSettings {
  const rabbitmqUrl = env.RABBITMQ_URL || DEFAULT_RABBITMQ_URL;
  const broker = new URL(rabbitmqUrl);
  return {
    rabbitmqUrl,
    adminDatabaseUrl: env.DATABASE_URL || DEFAULT_ADMIN_DATABASE_URL,
    rabbitmqManagementUrl:
      env.RABBITMQ_MANAGEMENT_URL ||
      `http://${broker.username || 'guest'}:${broker.password || 'guest'}@${broker.hostname}:15672`,
  };
}

export function hostAndPort(url: string, defaultPort: number): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port || defaultPort) };
}
