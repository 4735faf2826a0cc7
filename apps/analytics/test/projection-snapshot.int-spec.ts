import { migratedAnalyticsDatabase } from './analytics-database';
import { Client } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import { type IsolatedDatabase } from '@chargeflow/testing';
import { readProjectionSnapshot } from '../src/projection/infrastructure/projection-snapshot';
import { SWAP_LOCK } from '../src/projection/infrastructure/projection.store';

/** A switch-over (the swap lock taken exclusive) and a reader's snapshot never overlap. */
describe('a projection snapshot on real PostgreSQL', () => {
  let database: IsolatedDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    ({ database, dataSource } = await migratedAnalyticsDatabase('analytics_snapshot'));
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  /** Tries the switch-over's lock from another connection; resolves whether it got it within `waitMs`. */
  async function switchOverCouldLock(waitMs: number): Promise<boolean> {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query(`SET lock_timeout = ${waitMs}`);
      await client.query('BEGIN');
      return await client.query('SELECT pg_advisory_xact_lock($1)', [SWAP_LOCK]).then(
        () => true,
        () => false,
      );
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end();
    }
  }

  it('holds a switch-over off while a reader is in flight, and lets it through once the reader is done', async () => {
    let finish!: () => void;
    let started!: () => void;
    const inFlight = new Promise<void>((resolve) => (started = resolve));
    const reading = readProjectionSnapshot(dataSource, async (manager) => {
      await manager.query('SELECT count(*) FROM projection.rollup');
      const finished = new Promise<void>((resolve) => (finish = resolve));
      started();
      await finished;
      return manager.query('SELECT count(*)::int AS n FROM projection.rollup');
    });
    await inFlight;

    expect(await switchOverCouldLock(300)).toBe(false);
    finish();
    expect(await reading).toEqual([{ n: 0 }]);
    expect(await switchOverCouldLock(300)).toBe(true);
  });

  it('releases the lock when the reader fails', async () => {
    await expect(
      readProjectionSnapshot(dataSource, (manager) => manager.query('SELECT * FROM no_such_table')),
    ).rejects.toThrow();
    expect(await switchOverCouldLock(300)).toBe(true);
  });

  it('reads only, under the settings it is given for its own transaction alone', async () => {
    const given = { statementTimeoutMs: 1234, workMem: '5MB' };
    const settingsOf = (manager: EntityManager) =>
      manager.query(`SELECT current_setting('statement_timeout') AS timeout, current_setting('work_mem') AS memory`);
    await readProjectionSnapshot(
      dataSource,
      (manager) =>
        expect(manager.query(`UPDATE projection_state SET rebuild_sessions_read = 1`)).rejects.toThrow(
          /read-only transaction/,
        ),
      given,
    );
    expect(await readProjectionSnapshot(dataSource, settingsOf, given)).toEqual([{ timeout: '1234ms', memory: '5MB' }]);
    expect(await readProjectionSnapshot(dataSource, settingsOf)).not.toEqual([{ timeout: '1234ms', memory: '5MB' }]);
    expect(await switchOverCouldLock(300)).toBe(true);
  });
});
