import { DataSource } from 'typeorm';
import { createIsolatedDatabase, type IsolatedDatabase } from '@chargeflow/testing';
import { centralSystemMigrations } from '../src/migrations';
import { protocolLogSearch } from '../src/protocol-log/search-log/protocol-log.rpc.controller';

/** Every plan node's index names, depth first. */
function indexesOf(plan: { 'Index Name'?: string; Plans?: object[] }): string[] {
  return [
    ...(plan['Index Name'] ? [plan['Index Name']] : []),
    ...(plan.Plans ?? []).flatMap((child) => indexesOf(child as typeof plan)),
  ];
}

/** The protocol log's `q` search on a log big enough for the planner to choose between a scan and an index. */
describe('searching the protocol log by payload', () => {
  jest.setTimeout(120_000);
  const FRAMES = 60_000;
  let database: IsolatedDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createIsolatedDatabase('protocol_log_search');
    dataSource = await new DataSource({
      type: 'postgres',
      url: database.url,
      migrations: centralSystemMigrations,
      migrationsTransactionMode: 'each',
    }).initialize();
    await dataSource.runMigrations();
    // 60,000 MeterValues frames of 600 charge points; 7 of them carry an idTag nobody else has, 3 a literal `50%_`.
    await dataSource.query(
      `INSERT INTO ocpp_frame (frame_id, charge_point_id, direction, message_type, message_id, action, transaction_id, at, payload)
       SELECT gen_random_uuid(), 'CP-' || (n % 600), 'IN', 2, n::text, 'MeterValues', n % 5000 + 1,
              timestamptz '2026-01-01' + n * interval '1 second',
              '[2,"' || n || '","MeterValues",{"connectorId":1,"transactionId":' || (n % 5000 + 1)
                || ',"meterValue":[{"timestamp":"2026-01-01T00:00:00Z","sampledValue":[{"value":"' || n * 10
                || '","measurand":"Energy.Active.Import.Register","unit":"Wh"}]}]'
                || CASE WHEN n % 8000 = 0 THEN ',"idTag":"RareTagQ7"' WHEN n % 20000 = 1 THEN ',"note":"50%_off"' ELSE '' END
                || '}]'
       FROM generate_series(1, $1) AS n`,
      [FRAMES],
    );
    await dataSource.query(`ANALYZE ocpp_frame`);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('finds the frames whose payload contains the text, case-insensitively, through the trigram index', async () => {
    const { sql, values } = protocolLogSearch({ q: 'raretagq7' }, 100);
    const rows: { payload: string }[] = await dataSource.query(sql, values);
    expect(rows).toHaveLength(7);
    expect(rows.every((row) => row.payload.includes('"idTag":"RareTagQ7"'))).toBe(true);

    const [{ 'QUERY PLAN': plan }] = await dataSource.query(`EXPLAIN (FORMAT JSON) ${sql}`, values);
    expect(indexesOf(plan[0].Plan)).toContain('ocpp_frame_payload_trigrams');
    // Whatever ANALYZE sampled: no payload statistics (a sampled frame holding the text made the planner walk the log).
    const statistics = await dataSource.query(
      `SELECT 1 FROM pg_stats WHERE tablename = 'ocpp_frame' AND attname = 'payload'`,
    );
    expect(statistics).toHaveLength(0);
  });

  it('uses the index beside another filter too, and matches `%` and `_` literally', async () => {
    const { sql, values } = protocolLogSearch({ q: '50%_off', action: 'MeterValues' }, 100);
    const rows: { payload: string }[] = await dataSource.query(sql, values);
    expect(rows).toHaveLength(3);
    const [{ 'QUERY PLAN': plan }] = await dataSource.query(`EXPLAIN (FORMAT JSON) ${sql}`, values);
    expect(indexesOf(plan[0].Plan)).toContain('ocpp_frame_payload_trigrams');
    const { sql: wildcard, values: wildcardValues } = protocolLogSearch({ q: '50%x' }, 100);
    expect(await dataSource.query(wildcard, wildcardValues)).toHaveLength(0);
  });
});
