import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createIsolatedDatabase, type IsolatedDatabase } from '@chargeflow/testing';
import { centralSystemMigrations } from '../src/migrations';
import { TransactionRepository, type TransactionStop } from '../src/transaction/infrastructure/transaction.repository';

/** The ends of stopped transactions' charges as the central-system's database keeps them: leases, claims, outcomes. */
describe('the ends of stopped charges', () => {
  let database: IsolatedDatabase;
  let dataSource: DataSource;
  let transactions: TransactionRepository;
  let started = 0;

  /** A started transaction on charge point CP-1 (a new start each time). */
  async function aTransaction(startedAt = new Date()): Promise<number> {
    started += 1;
    const record = await transactions.insert(
      { chargePointId: 'CP-1', connectorId: 1, idTag: 'TAG', meterStartWh: String(started), startedAt },
      randomUUID(),
      randomUUID(),
    );
    return record.transactionId;
  }

  const stopOf = (transactionId: number): TransactionStop => ({
    transactionId,
    meterStopWh: '9000',
    stoppedAt: new Date(),
    reason: 'Local',
    lastTelemetryId: randomUUID(),
  });

  const dueIds = async () =>
    (
      (await dataSource.query(`SELECT transaction_id FROM ocpp_transaction WHERE end_due_at <= now() ORDER BY 1`)) as {
        transaction_id: number;
      }[]
    ).map((row) => row.transaction_id);

  beforeAll(async () => {
    database = await createIsolatedDatabase('charge_ends');
    dataSource = await new DataSource({
      type: 'postgres',
      url: database.url,
      migrations: centralSystemMigrations,
      migrationsTransactionMode: 'each',
    }).initialize();
    await dataSource.runMigrations();
    await dataSource.query(`INSERT INTO charge_point (charge_point_id, password_hash) VALUES ('CP-1', 'scrypt$x')`);
    transactions = new TransactionRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  beforeEach(async () => {
    await dataSource.query(
      `UPDATE ocpp_transaction SET end_due_at = NULL, ended_at = now() WHERE ended_at IS NULL AND stopped_at IS NOT NULL`,
    );
  });

  it('records the first stop with its end held by the attempt it starts; a retried stop changes nothing', async () => {
    const startedAt = new Date('2026-12-04T08:00:00.123Z');
    const id = await aTransaction(startedAt);
    const stop = stopOf(id);
    expect(await transactions.recordStop(stop, 60_000)).toEqual({
      transactionId: id,
      chargePointId: 'CP-1',
      sessionId: expect.any(String),
      startedAt,
      lastTelemetryId: stop.lastTelemetryId,
      attempts: 1,
    });
    expect(await transactions.recordStop({ ...stopOf(id), meterStopWh: '1' }, 0)).toBeNull();
    const [row] = await dataSource.query(
      `SELECT meter_stop_wh::text AS wh, end_due_at > now() + interval '50 seconds' AS held FROM ocpp_transaction WHERE transaction_id = $1`,
      [id],
    );
    expect(row).toEqual({ wh: '9000', held: true });
    expect(await transactions.claimDueEnds(60_000, 100)).toEqual([]);
  });

  it('lets a sweep take an end whose lease ran out, holding it again and counting the attempt', async () => {
    const id = await aTransaction();
    await transactions.recordStop(stopOf(id), 0);
    const [claimed] = await transactions.claimDueEnds(60_000, 100);
    expect(claimed).toMatchObject({ transactionId: id, attempts: 2 });
    expect(await transactions.claimDueEnds(60_000, 100)).toEqual([]);
    await transactions.postponeEnd(id, 0);
    expect(await dueIds()).toEqual([id]);
  });

  it('never gives one end to two sweeps at once', async () => {
    const ids = await Promise.all(Array.from({ length: 40 }, () => aTransaction()));
    for (const id of ids) await transactions.recordStop(stopOf(id), 0);
    const sweeps = await Promise.all(Array.from({ length: 4 }, () => transactions.claimDueEnds(60_000, 15)));
    const taken = sweeps.flat().map((charge) => charge.transactionId);
    expect(new Set(taken).size).toBe(taken.length);
    expect(taken.length).toBe(40);
  });

  it('takes an ended or refused charge out of the sweeps for good', async () => {
    const [ended, refused] = [await aTransaction(), await aTransaction()];
    await transactions.recordStop(stopOf(ended), 0);
    await transactions.recordStop(stopOf(refused), 0);
    await transactions.recordEnded(ended);
    await transactions.recordEndRefused(refused, 'SESSION_NOT_FOUND');
    await transactions.postponeEnd(ended, 0);
    await transactions.postponeEnd(refused, 0);
    expect(await transactions.claimDueEnds(0, 100)).toEqual([]);
    const rows = await dataSource.query(
      `SELECT transaction_id AS id, ended_at IS NOT NULL AS ended, end_refused AS refused FROM ocpp_transaction
        WHERE transaction_id = ANY($1) ORDER BY 1`,
      [[ended, refused]],
    );
    expect(rows).toEqual([
      { id: ended, ended: true, refused: null },
      { id: refused, ended: false, refused: 'SESSION_NOT_FOUND' },
    ]);
  });

  it('finds a stopped charge whose end is not settled, and holds the end of a stop recorded before ends were kept', async () => {
    const [kept, unscheduled, running] = [await aTransaction(), await aTransaction(), await aTransaction()];
    await transactions.recordStop(stopOf(kept), 60_000);
    // As the code before kept a stop: stopped, no end due, none known.
    await dataSource.query(
      `UPDATE ocpp_transaction SET stopped_at = now(), meter_stop_wh = 10 WHERE transaction_id = $1`,
      [unscheduled],
    );
    const sessionOf = async (id: number) =>
      (
        (await dataSource.query(`SELECT session_id FROM ocpp_transaction WHERE transaction_id = $1`, [id])) as {
          session_id: string;
        }[]
      )[0].session_id;
    expect(await transactions.unendedCharge(await sessionOf(kept))).toMatchObject({ transactionId: kept });
    expect(await transactions.unendedCharge(await sessionOf(unscheduled))).toMatchObject({
      transactionId: unscheduled,
    });
    expect(await transactions.unendedCharge(await sessionOf(running))).toBeNull();

    expect(await transactions.holdUnscheduledEnd(kept, 60_000)).toBeNull();
    expect(await transactions.holdUnscheduledEnd(running, 60_000)).toBeNull();
    expect(await transactions.holdUnscheduledEnd(unscheduled, 60_000)).toMatchObject({
      transactionId: unscheduled,
      lastTelemetryId: null,
      attempts: 1,
    });
    expect(await transactions.holdUnscheduledEnd(unscheduled, 60_000)).toBeNull();
    await transactions.recordEnded(unscheduled);
    expect(await transactions.unendedCharge(await sessionOf(unscheduled))).toBeNull();
  });

  it('refuses an end due on a transaction that never stopped', async () => {
    const id = await aTransaction();
    await expect(
      dataSource.query(`UPDATE ocpp_transaction SET end_due_at = now() WHERE transaction_id = $1`, [id]),
    ).rejects.toThrow(/ocpp_transaction_ends_after_its_stop/);
  });
});
