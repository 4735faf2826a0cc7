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

  it('prepares a text again under a new name when a migration changed the type of a column it returns', async () => {
    await dataSource.query('CREATE TABLE widened (n int NOT NULL)');
    await dataSource.query('INSERT INTO widened (n) VALUES (1)');
    const read = { text: 'SELECT n FROM widened', values: [] };
    const namesOf = async () =>
      (await preparedOnConnection()).filter((row) => row.statement === read.text).map((row) => row.name);
    expect(await runPrepared(runner.manager, read)).toEqual([{ n: 1 }]);

    // Another instance's migration, on another connection: this one's prepared plan returns an int.
    await dataSource.query('ALTER TABLE widened ALTER COLUMN n TYPE bigint');
    expect(await runPrepared(runner.manager, read)).toEqual([{ n: '1' }]);
    expect(await namesOf()).toHaveLength(2);

    // In a transaction the failed run has aborted it: the run fails, and the next one is prepared anew.
    await dataSource.query('ALTER TABLE widened ALTER COLUMN n TYPE numeric');
    await runner.startTransaction();
    const failure = await runPrepared(runner.manager, read).catch((error: unknown) => error);
    await runner.rollbackTransaction();
    expect((failure as QueryFailedError & { driverError: { code: string } }).driverError.code).toBe('0A000');
    expect(await runPrepared(runner.manager, read)).toEqual([{ n: '1' }]);
    expect(await namesOf()).toHaveLength(3);
  });

  it('runs unnamed past 64 distinct texts in a process, so texts built from their input cannot grow the cache', async () => {
    const texts = Array.from({ length: 70 }, (_, index) => `SELECT $1::int + ${index} AS n`);
    for (const [index, text] of texts.entries()) {
      expect(await runPrepared(runner.manager, { text, values: [1] })).toEqual([{ n: 1 + index }]);
    }

    // The connection also holds the names a changed result type retired (see above).
    const prepared = (await preparedOnConnection()).map((row) => row.statement);
    expect(new Set(prepared).size).toBeLessThanOrEqual(64);
    expect(prepared).not.toContain(texts[69]);
  });
});
