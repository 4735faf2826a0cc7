import { DataSource } from 'typeorm';
import { postgresOptions } from '@chargeflow/runtime';
import { createIsolatedDatabase, type IsolatedDatabase } from '@chargeflow/testing';
import { analyticsMigrations } from '../src/migrations';

/** A database of its own for one suite, with the analytics migrations applied, and a DataSource on it. */
export async function migratedAnalyticsDatabase(
  label: string,
): Promise<{ database: IsolatedDatabase; dataSource: DataSource }> {
  const database = await createIsolatedDatabase(label);
  const dataSource = new DataSource(
    postgresOptions({
      url: database.url,
      applicationName: 'analytics-test',
      migrations: analyticsMigrations,
      statementTimeoutMs: 60_000,
    }),
  );
  await dataSource.initialize();
  await dataSource.runMigrations();
  return { database, dataSource };
}
