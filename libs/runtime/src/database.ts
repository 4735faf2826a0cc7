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
      // Keeps an idle connection 5 minutes, not pg's 10 s: the first requests after a pause paid for new
      // ones (authentication, a backend started, every prepared statement planned again), answers of
      // 200 – 650 ms in the first second of bench:api's steady phase. Below the idle timeouts of common
      // load balancers (AWS NLB: 350 s), and keep-alive probes after 10 s idle find a vanished peer.
      idleTimeoutMillis: 300_000,
      keepAliveInitialDelayMillis: 10_000,
      connectionTimeoutMillis: 5_000,
      keepAlive: true,
      statement_timeout: options.statementTimeoutMs,
    },
  };
}
