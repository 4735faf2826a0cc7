import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createIsolatedDatabase, type IsolatedDatabase } from '@chargeflow/testing';
import { LedgerRepository, type LedgerOpening } from '../src/ledger/ledger.repository';
import { telemetryMigrations } from '../src/migrations';

/** The seal is one statement: it seals an Active ledger, opens one sealed when the start was overtaken, and repeats its answer. */
describe('the seal on real PostgreSQL', () => {
  let database: IsolatedDatabase;
  let dataSource: DataSource;
  const ledger = new LedgerRepository();
  const opening = (startedAt: Date): LedgerOpening => ({
    sessionId: randomUUID(),
    kind: 'RIDE',
    vehicleId: randomUUID(),
    stationId: null,
    startedAt: startedAt.toISOString(),
  });

  beforeAll(async () => {
    database = await createIsolatedDatabase('telemetry-seal');
    dataSource = await new DataSource({
      type: 'postgres',
      url: database.url,
      migrations: telemetryMigrations,
      migrationsRun: true,
    }).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('seals an Active ledger with its totals, and answers a second seal with the same totals and instant', async () => {
    const ride = opening(new Date(Date.now() - 60_000));
    await ledger.open(dataSource.manager, ride);
    await dataSource.query(
      `UPDATE session_ledger SET energy_wh = 12.5, distance_m = 300, sample_count = 4 WHERE session_id = $1`,
      [ride.sessionId],
    );
    const first = await ledger.seal(dataSource.manager, ride);
    expect(first).toMatchObject({
      sessionId: ride.sessionId,
      energyWh: '12.500',
      distanceM: '300.000',
      sampleCount: 4,
    });
    expect(Date.parse(first.sealedAt)).toBeGreaterThan(Date.parse(ride.startedAt));
    expect(await ledger.seal(dataSource.manager, ride)).toEqual(first);
    await expect(
      dataSource.query(`UPDATE session_ledger SET sample_count = 5 WHERE session_id = $1`, [ride.sessionId]),
    ).rejects.toThrow(/is sealed/);
  });

  it('opens the ledger sealed and empty when the seal overtakes the start, never before the start', async () => {
    const future = new Date(Date.now() + 3_600_000);
    const ride = opening(future);
    const sealed = await ledger.seal(dataSource.manager, ride);
    expect(sealed).toEqual({
      sessionId: ride.sessionId,
      energyWh: '0.000',
      distanceM: '0.000',
      sampleCount: 0,
      sealedAt: future.toISOString(),
    });
    await ledger.open(dataSource.manager, ride);
    expect(await ledger.seal(dataSource.manager, ride)).toEqual(sealed);
  });

  it('gives every one of 10 concurrent seals of a ledger the same totals and instant', async () => {
    const ride = opening(new Date(Date.now() - 1_000));
    await ledger.open(dataSource.manager, ride);
    const seals = await Promise.all(Array.from({ length: 10 }, () => ledger.seal(dataSource.manager, ride)));
    expect(new Set(seals.map((sealed) => JSON.stringify(sealed))).size).toBe(1);
  });
});
