import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ErrorCatalogue } from '@chargeflow/contracts';
import { statementTimeoutErrorOf } from '@chargeflow/messaging';
import { createIsolatedDatabase, type IsolatedDatabase } from '@chargeflow/testing';
import { postgresOptions } from './database';

describe('a service database under DATABASE_STATEMENT_TIMEOUT_MS', () => {
  jest.setTimeout(60_000);
  let database: IsolatedDatabase;
  let dataSource: DataSource;
  const applicationName = `statement-timeout-${process.pid}`;

  beforeAll(async () => {
    database = await createIsolatedDatabase('statement_timeout');
    dataSource = new DataSource(
      postgresOptions({ url: database.url, applicationName, migrations: [], statementTimeoutMs: 300 }),
    );
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('cancels a statement that runs too long, leaves nothing running, and tells it as 413 QUERY_TOO_COSTLY', async () => {
    const failure = await dataSource.query('SELECT pg_sleep(30)').then(
      () => null,
      (error: unknown) => error,
    );
    const answer = statementTimeoutErrorOf(failure);
    expect(answer).toMatchObject({ code: 'QUERY_TOO_COSTLY', kind: 'TOO_COSTLY' });
    expect(ErrorCatalogue.QUERY_TOO_COSTLY.status).toBe(413);

    const observer = new Client({ connectionString: database.url });
    await observer.connect();
    try {
      const { rows } = await observer.query(
        `SELECT count(*)::int AS running FROM pg_stat_activity WHERE application_name = $1 AND state = 'active'`,
        [applicationName],
      );
      expect(rows[0]).toEqual({ running: 0 });
    } finally {
      await observer.end();
    }
    expect(await dataSource.query('SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
  });

  it('takes no other database error for a timeout', async () => {
    const failure = await dataSource.query('SELECT 1/0').then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).not.toBeNull();
    expect(statementTimeoutErrorOf(failure)).toBeNull();
  });
});

describe('a service database pool after a pause', () => {
  jest.setTimeout(60_000);

  it('keeps the connections it opened past pg’s 10 s idle timeout: the next requests find them warm', async () => {
    const database = await createIsolatedDatabase('pool_keeps_connections');
    const dataSource = new DataSource(
      postgresOptions({ url: database.url, applicationName: 'pool-keeps', migrations: [], statementTimeoutMs: 5_000 }),
    );
    await dataSource.initialize();
    try {
      const backends = async () =>
        (
          await Promise.all(
            Array.from({ length: 3 }, () =>
              dataSource.query<{ pid: number }[]>('SELECT pg_backend_pid() AS pid, pg_sleep(0.2)'),
            ),
          )
        )
          .map(([row]) => row.pid)
          .sort((a, b) => a - b);
      const before = await backends();
      await new Promise((resolve) => setTimeout(resolve, 11_000));
      expect(await backends()).toEqual(before);
    } finally {
      await dataSource.destroy();
      await database.drop();
    }
  });
});
