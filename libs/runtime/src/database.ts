import type { DataSourceOptions, EntitySchema, MixedList } from 'typeorm';

export interface DatabaseOptions {
  url: string;
  applicationName: string;
  entities?: MixedList<string | Function | EntitySchema>;
  migrations: MixedList<Function>;
  poolSize?: number;
  /** DATABASE_STATEMENT_TIMEOUT_MS: PostgreSQL cancels a statement of this pool that runs longer. */
  statementTimeoutMs: number;
}

/** The one way a service opens its database: its own URL and role, migrations at start, never synchronize. */
export function postgresOptions(options: DatabaseOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: options.url,
    applicationName: options.applicationName,
    entities: options.entities ?? [],
    migrations: options.migrations,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['error', 'migration'],
    extra: {
      max: options.poolSize ?? 10,
      // Keeps the connections it opened, up to its size: pg closes those idle for 10 s, and the first
      // requests after a pause then paid for new ones (authentication, a backend started, every prepared
      // statement planned again): answers of 200 – 650 ms in the first second of bench:api's steady phase.
      min: options.poolSize ?? 10,
      connectionTimeoutMillis: 5_000,
      // TCP keep-alive, so a long-lived connection (a LISTEN) whose peer vanished is found dead.
      keepAlive: true,
      statement_timeout: options.statementTimeoutMs,
    },
  };
}
