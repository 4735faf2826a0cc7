import { DataSource, QueryFailedError, type QueryRunner } from 'typeorm';
import { createIsolatedDatabase, type IsolatedDatabase } from '@chargeflow/testing';
import { runPrepared } from './prepared-statement';

describe('statements run prepared through TypeORM on real PostgreSQL', () => {
  let database: IsolatedDatabase;
  let dataSource: DataSource;
  let runner: QueryRunner;

  /** The prepared statements of the runner's connection: PostgreSQL's own view of them. */
  const preparedOnConnection = async (): Promise<{ name: string; statement: string }[]> =>
    runner.query(`SELECT name, statement FROM pg_prepared_statements ORDER BY prepare_time`);

  beforeAll(async () => {
    database = await createIsolatedDatabase('prepared');
    dataSource = await new DataSource({ type: 'postgres', url: database.url }).initialize();
    await dataSource.query('CREATE TABLE item (id int PRIMARY KEY, note text NOT NULL)');
    runner = dataSource.createQueryRunner();
    await runner.connect();
  });

  afterAll(async () => {
    await runner?.release();
    await dataSource?.destroy();
    await database?.drop();
  });

  it('prepares a text once per connection and binds each run its own values', async () => {
    const insert = (id: number, note: string) => ({
      text: `INSERT INTO item (id, note) VALUES ($1, $2) RETURNING id, note`,
      values: [id, note],
    });

    expect(await runPrepared(runner.manager, insert(1, 'first'))).toEqual([{ id: 1, note: 'first' }]);
    expect(await runPrepared(runner.manager, insert(2, 'second'))).toEqual([{ id: 2, note: 'second' }]);

    const prepared = (await preparedOnConnection()).filter((row) => row.statement === insert(0, '').text);
    expect(prepared).toHaveLength(1);
    expect(prepared[0].name).toMatch(/^chargeflow_\d+$/);
  });

  it('fails as the statement would unprepared, naming its SQL, and the connection goes on using it', async () => {
    const insert = (id: number) => ({ text: `INSERT INTO item (id, note) VALUES ($1, 'again')`, values: [id] });
    await runPrepared(runner.manager, insert(10));

    await runner.startTransaction();
    const failure = await runPrepared(runner.manager, insert(10)).catch((error: unknown) => error);
    await runner.rollbackTransaction();

    expect(failure).toBeInstanceOf(QueryFailedError);
    expect((failure as QueryFailedError & { driverError: { code: string } }).driverError.code).toBe('23505');
    expect(String((failure as QueryFailedError).query)).toBe(insert(10).text);
    await runPrepared(runner.manager, insert(11));
    expect(await runner.query(`SELECT id FROM item WHERE note = 'again' ORDER BY id`)).toEqual([
      { id: 10 },
      { id: 11 },
    ]);
  });

  it('runs unnamed past 64 distinct texts in a process, so texts built from their input cannot grow the cache', async () => {
    const texts = Array.from({ length: 70 }, (_, index) => `SELECT $1::int + ${index} AS n`);
    for (const [index, text] of texts.entries()) {
      expect(await runPrepared(runner.manager, { text, values: [1] })).toEqual([{ n: 1 + index }]);
    }

    const prepared = await preparedOnConnection();
    expect(prepared.length).toBeLessThanOrEqual(64);
    expect(prepared.map((row) => row.statement)).not.toContain(texts[69]);
  });
});
