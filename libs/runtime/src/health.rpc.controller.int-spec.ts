import { DataSource, type Logger as TypeOrmLogger } from 'typeorm';
import { AmqpConnection } from '@chargeflow/messaging';
import {
  createIsolatedDatabase,
  createIsolatedVhost,
  RecordingLogger,
  type IsolatedDatabase,
  type IsolatedVhost,
} from '@chargeflow/testing';
import { postgresOptions } from './database';
import { HEALTH_REPORT_CACHE_MS, HealthRpcController } from './health.rpc.controller';

describe("a service's health answer", () => {
  jest.setTimeout(60_000);
  let database: IsolatedDatabase;
  let vhost: IsolatedVhost;
  let dataSource: DataSource;
  let connection: AmqpConnection;
  const checks: string[] = [];

  beforeAll(async () => {
    [database, vhost] = await Promise.all([
      createIsolatedDatabase('health_cache'),
      createIsolatedVhost('health_cache'),
    ]);
    const counting: TypeOrmLogger = {
      logQuery: (query) => void (query === 'SELECT 1' && checks.push(query)),
      logQueryError: () => undefined,
      logQuerySlow: () => undefined,
      logSchemaBuild: () => undefined,
      logMigration: () => undefined,
      log: () => undefined,
    };
    dataSource = new DataSource({
      ...postgresOptions({
        url: database.url,
        applicationName: 'health-test',
        migrations: [],
        statementTimeoutMs: 5_000,
      }),
      logging: ['query'],
      logger: counting,
    });
    await dataSource.initialize();
    connection = await AmqpConnection.open({ url: vhost.url, name: 'health-test', logger: new RecordingLogger() });
  });

  afterAll(async () => {
    await connection?.close();
    await dataSource?.destroy();
    await Promise.all([database?.drop(), vhost?.remove()]);
  });

  it('checks the database once for any number of callers within a second, and again after', async () => {
    const controller = new HealthRpcController('sessions', dataSource, connection);
    const reports = await Promise.all(Array.from({ length: 10 }, () => controller.check()));
    expect(reports.every((report) => report.status === 'up' && report.database === 'up')).toBe(true);
    expect(await controller.check()).toBe(reports[0]);
    expect(checks).toHaveLength(1);

    await new Promise((resolve) => setTimeout(resolve, HEALTH_REPORT_CACHE_MS + 100));
    const later = await controller.check();
    expect(later.checkedAt).not.toBe(reports[0].checkedAt);
    expect(checks).toHaveLength(2);
  });
});
