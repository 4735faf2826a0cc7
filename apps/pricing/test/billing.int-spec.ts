import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { SessionFinalizedV1, VerificationView } from '@chargeflow/contracts';
import { createIsolatedDatabase, waitFor, type IsolatedDatabase } from '@chargeflow/testing';
import { pricingDatabaseOptions } from '../src/app.module';
import { BillingRepository } from '../src/billing/infrastructure/billing.repository';
import { LegacyTimeZones } from '../src/billing/infrastructure/legacy-time-zones';
import { VerificationRepository } from '../src/billing/infrastructure/verification.repository';
import { PriceFinalizedSessionHandler, tariffOf } from '../src/billing/price-session/price-finalized-session.handler';
import { UnpricedSweep } from '../src/billing/sweep-unpriced/unpriced-sweep';
import { VerificationRunner } from '../src/billing/verify-billing/verification-runner';
import { VerifyBillingHandler } from '../src/billing/verify-billing/verify-billing.handler';
import { pricingInputOf } from '../src/tariff/domain/pricing-input';
import { LEGACY_ENGINE_VERSION, priceSession, type EngineVersion } from '../src/tariff/domain/tariff-pricing';
import { TariffRepository } from '../src/tariff/infrastructure/tariff.repository';
import { ManageTariffsHandler } from '../src/tariff/manage-tariffs/manage-tariffs.handler';
import { EffectiveFromInPastError } from '../src/tariff/manage-tariffs/tariff-management.errors';
import { QuoteSessionHandler } from '../src/tariff/quote-session/quote-session.handler';
import { QuoteSpanTooLongError } from '../src/tariff/quote-session/quote-session.errors';
import { aFinalizedSession, RIDER, timeOfDayTariff } from './pricing-fixtures';

const OPERATOR_ZONE = 'Europe/Amsterdam';
/** Sessions finalized while the tariff is published. */
const RACING = 20;
/** A node of PostgreSQL's EXPLAIN (ANALYZE, FORMAT JSON) plan. */
interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Actual Rows': number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

/** Every node of a plan that reads a table or an index. */
function scanNodesOf(node: PlanNode): PlanNode[] {
  const own = node['Node Type'].includes('Scan') ? [node] : [];
  return [...own, ...(node.Plans ?? []).flatMap(scanNodesOf)];
}

describe('pricing on a real database', () => {
  jest.setTimeout(240_000);
  let database: IsolatedDatabase;
  let dataSource: DataSource;
  const tariffs = new TariffRepository();
  const billing = new BillingRepository();
  const verifications = new VerificationRepository();
  const pricing = new PriceFinalizedSessionHandler(tariffs, billing, OPERATOR_ZONE);
  let sweep: UnpricedSweep;
  let manage: ManageTariffsHandler;

  const statusCounts = async () =>
    Object.fromEntries(
      (
        (await dataSource.query(`SELECT status, count(*)::int AS n FROM billing_record GROUP BY status`)) as {
          status: string;
          n: number;
        }[]
      ).map((row) => [row.status, row.n]),
    );

  beforeAll(async () => {
    database = await createIsolatedDatabase('pricing_billing');
    const options = pricingDatabaseOptions({
      PRICING_DATABASE_URL: database.url,
      DATABASE_STATEMENT_TIMEOUT_MS: 2_000,
    });
    // Room for every racing transaction at once, so none waits for a connection on a busy machine.
    dataSource = new DataSource({ ...options, extra: { ...options.extra, max: RACING + 5 } });
    await dataSource.initialize();
    sweep = new UnpricedSweep(dataSource, billing, pricing, 200);
    manage = new ManageTariffsHandler(dataSource, tariffs, sweep);
  });

  afterAll(async () => {
    await sweep?.onModuleDestroy();
    await dataSource?.destroy();
    await database?.drop();
  });

  it('leaves no UNPRICED record behind when a tariff is published while sessions finalize', async () => {
    sweep.onApplicationBootstrap();
    const finalize = (session: SessionFinalizedV1) =>
      dataSource.transaction((manager) => pricing.price(manager, session));
    // The race made certain: a session's transaction finds no tariff, and commits UNPRICED only after the
    // publication has swept (neither saw the other's uncommitted rows).
    let release!: () => void;
    const held = aFinalizedSession('RIDE');
    const heldFinalization = dataSource.transaction(async (manager) => {
      await pricing.price(manager, held);
      await new Promise<void>((resolve) => (release = resolve));
    });
    const racing = Array.from({ length: RACING }, () => aFinalizedSession('RIDE'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const [created] = await Promise.all([
      manage.create({ document: timeOfDayTariff('RIDE'), effectiveFrom: '2020-01-01T00:00:00Z' }),
      ...racing.map(finalize),
    ]);
    release();
    await heldFinalization;
    expect((await billing.find(dataSource.manager, held.sessionId))?.status).toBe('UNPRICED');

    await waitFor(async () => ((await statusCounts()).UNPRICED ?? 0) === 0 || undefined, 30_000, 'the sweep', 100);
    expect(await statusCounts()).toEqual({ PRICED: RACING + 1 });
    const swept = await billing.find(dataSource.manager, held.sessionId);
    expect(swept).toMatchObject({ status: 'PRICED', revision: 2, tariffId: created.id, timeZone: OPERATOR_ZONE });
    // OCPI's JSON numbers were stored as the exact decimal strings they were written as.
    expect(created.document.elements).toMatchObject([
      { price_components: [{ price: '0.2', vat: '21' }] },
      { price_components: [{ price: '0.35' }, { price: '0.60' }] },
    ]);
  });

  it('refuses a next version dated before now, naming effectiveFrom, and takes one from now on', async () => {
    const [{ id }] = (await dataSource.query(`SELECT id FROM tariff WHERE applies_kind = 'RIDE'`)) as { id: string }[];
    const past = manage.publish({ id, document: timeOfDayTariff('RIDE'), effectiveFrom: '2026-01-01T00:00:00Z' });
    await expect(past).rejects.toBeInstanceOf(EffectiveFromInPastError);
    await expect(past).rejects.toMatchObject({ details: { errors: [{ field: 'effectiveFrom' }] } });
    const next = await manage.publish({ id, document: timeOfDayTariff('RIDE') });
    expect(next.versions.map((version) => version.version)).toEqual([1, 2]);
  });

  it('refuses a quote longer than 31 days before reading any tariff', async () => {
    const quotes = new QuoteSessionHandler(dataSource, tariffs, OPERATOR_ZONE);
    await expect(
      quotes.execute({
        tariffId: randomUUID(),
        kind: 'RIDE',
        startedAt: '1970-01-01T00:00:00Z',
        endedAt: '2400-01-01T00:00:00Z',
        energyWh: 1,
      }),
    ).rejects.toBeInstanceOf(QuoteSpanTooLongError);
  });

  it('pages a statement, with the whole period in its totals on every page', async () => {
    const pages = [];
    let cursor: string | undefined;
    const { BillingRpcController } = await import('../src/billing/billing.rpc.controller');
    const controller = new BillingRpcController(dataSource, billing, {} as never, {} as never);
    for (let page = 0; page < 10; page++) {
      const statement = await controller.statement({
        riderId: RIDER,
        from: '2020-01-01T00:00:00Z',
        to: '2030-01-01T00:00:00Z',
        limit: 8,
        cursor,
      });
      pages.push(statement);
      if (!statement.nextCursor) break;
      cursor = statement.nextCursor;
    }
    expect(pages.map((page) => page.lines.length)).toEqual([8, 8, 5]);
    expect(new Set(pages.flatMap((page) => page.lines.map((line) => line.sessionId))).size).toBe(RACING + 1);
    expect(new Set(pages.map((page) => JSON.stringify(page.totals)))).toEqual(
      new Set([JSON.stringify(pages[0].totals)]),
    );
    expect(pages[0].totals[0].sessions).toBe(RACING + 1);
  });

  it('verifies over 10,000 records in pages with progress: 0 mismatches for records priced by tariff-engine/1, a changed OPERATOR_TIME_ZONE included', async () => {
    const charging = await manage.create({
      document: timeOfDayTariff('CHARGING'),
      effectiveFrom: '2020-01-01T00:00:00Z',
    });
    const version = await tariffs.version(dataSource.manager, charging.id, 1);
    const rideVersion = (await tariffs.applicable(dataSource.manager, 'RIDE', null, new Date('2026-06-01')))!;
    // Records priced before this change: tariff-engine/1, and no time zone stored (the migration found them so).
    const rows = Array.from({ length: 10_000 }, (_, index) => {
      const session = aFinalizedSession(index % 3 === 0 ? 'RIDE' : 'CHARGING');
      const legacy = index % 5 === 0;
      const tariffVersion = session.kind === 'RIDE' ? rideVersion : version!;
      const engine: EngineVersion | undefined = legacy ? LEGACY_ENGINE_VERSION : undefined;
      const input = pricingInputOf(session, OPERATOR_ZONE);
      const record = priceSession(tariffOf(tariffVersion), input, engine);
      return {
        session_id: session.sessionId,
        kind: session.kind,
        rider_id: session.riderId,
        station_id: session.stationId,
        started_at: session.startedAt,
        session,
        tariff_id: tariffVersion.id,
        tariff_version: tariffVersion.version,
        record,
        time_zone: legacy ? null : input.timeZone,
      };
    });
    for (let offset = 0; offset < rows.length; offset += 1_000) {
      await dataSource.query(
        `INSERT INTO billing_record (session_id, status, kind, rider_id, station_id, started_at, session, tariff_id, tariff_version, record, time_zone)
         SELECT session_id, 'PRICED', kind, rider_id, station_id, started_at, session, tariff_id, tariff_version, record, time_zone
         FROM jsonb_to_recordset($1::jsonb) AS r(session_id uuid, kind text, rider_id uuid, station_id uuid, started_at timestamptz,
           session jsonb, tariff_id uuid, tariff_version int, record jsonb, time_zone text)`,
        [JSON.stringify(rows.slice(offset, offset + 1_000))],
      );
    }
    await new LegacyTimeZones(dataSource, billing, OPERATOR_ZONE).onApplicationBootstrap();
    const tampered = rows.filter((_, index) => index % 2_500 === 7).map((row) => row.session_id);
    await dataSource.query(
      `UPDATE billing_record SET record = jsonb_set(record, '{totalInclVat}', '"0.01"') WHERE session_id = ANY($1)`,
      [tampered],
    );

    // The operator's zone changes after the upgrade: stored records keep the zone that priced them.
    const afterTheChange = new PriceFinalizedSessionHandler(tariffs, billing, 'Pacific/Kiritimati');
    const runner = new VerificationRunner(dataSource, billing, tariffs, verifications, afterTheChange, 500);
    const handler = new VerifyBillingHandler(dataSource, billing, verifications, runner);
    const { id } = await handler.start({});
    const seen: VerificationView[] = [];
    const done = await waitFor(
      async () => {
        const view = await handler.view(id);
        seen.push(view);
        return view.status === 'RUNNING' ? undefined : view;
      },
      180_000,
      'the verification',
      10,
    );
    await runner.idle();
    const total = 10_000 + RACING + 1;
    expect(done).toMatchObject({ status: 'DONE', total, checked: total, mismatchCount: tampered.length });
    expect(done.mismatches.map((mismatch) => mismatch.sessionId).sort()).toEqual([...tampered].sort());
    const progress = seen.map((view) => view.checked);
    expect(progress.some((checked) => checked > 0 && checked < total)).toBe(true);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.every((checked) => checked % 500 === 0 || checked === total)).toBe(true);
  });

  it('checks each record exactly once when records share a start, to the microsecond, across page boundaries', async () => {
    const rideVersion = (await tariffs.applicable(dataSource.manager, 'RIDE', null, new Date('2026-06-01')))!;
    // Nine records over three instants of one millisecond: every page of two ends inside a run of equal starts.
    const starts = ['.123456', '.123456', '.123456', '.123456', '.123457', '.123457', '.123457', '.123999', '.123999'];
    const rows = starts.map((fraction) => {
      const session = aFinalizedSession('RIDE');
      return {
        session_id: session.sessionId,
        started_at: `2031-03-01T10:00:00${fraction}Z`,
        session,
        record: {
          ...priceSession(tariffOf(rideVersion), pricingInputOf(session, OPERATOR_ZONE)),
          totalInclVat: '0.01',
        },
      };
    });
    await dataSource.query(
      `INSERT INTO billing_record (session_id, status, kind, rider_id, started_at, session, tariff_id, tariff_version, record, time_zone)
       SELECT session_id, 'PRICED', 'RIDE', $2, started_at, session, $3, $4, record, $5
       FROM jsonb_to_recordset($1::jsonb) AS r(session_id uuid, started_at timestamptz, session jsonb, record jsonb)`,
      [JSON.stringify(rows), RIDER, rideVersion.id, rideVersion.version, OPERATOR_ZONE],
    );
    const runner = new VerificationRunner(dataSource, billing, tariffs, verifications, pricing, 2);
    const handler = new VerifyBillingHandler(dataSource, billing, verifications, runner);
    const { id } = await handler.start({ from: '2031-03-01T00:00:00Z', to: '2031-03-02T00:00:00Z' });
    await runner.idle();
    const done = await handler.view(id);
    expect(done).toMatchObject({ status: 'DONE', total: 9, checked: 9, mismatchCount: 9 });
    expect(done.mismatches.map((mismatch) => mismatch.sessionId).sort()).toEqual(
      rows.map((row) => row.session_id).sort(),
    );
  });

  it('reads no more rows for a page of a verification than the page holds, deep in a wide range', async () => {
    await dataSource.query(`ANALYZE billing_record`);
    const range = { from: '2026-02-01T00:00:00Z', to: '2027-01-01T00:00:00Z' };
    const [middle] = await billing.priced(dataSource.manager, range, null, 1_000).then((page) => page.slice(-1));
    let plan: PlanNode | undefined;
    const explaining = {
      query: async <T>(sql: string, values?: unknown[]): Promise<T> => {
        const [row] = (await dataSource.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, values)) as {
          'QUERY PLAN': { Plan: PlanNode }[];
        }[];
        plan = row['QUERY PLAN'][0].Plan;
        return [] as T;
      },
    };
    await billing.priced(explaining, range, { at: middle.cursorAt, id: middle.sessionId }, 50);
    const scans = scanNodesOf(plan!);
    expect(scans.map((scan) => scan['Index Name'])).toEqual(['billing_record_priced_by_start']);
    const read = scans.reduce((sum, scan) => sum + scan['Actual Rows'] + (scan['Rows Removed by Filter'] ?? 0), 0);
    expect(read).toBeLessThanOrEqual(50);
  });

  it('resumes a verification whose runner went quiet, and the old runner can no longer write to it', async () => {
    const id = randomUUID();
    const staleToken = randomUUID();
    const total = await billing.countPriced(dataSource.manager, {});
    await dataSource.query(
      `INSERT INTO billing_verification (id, status, total, lease_token, lease_until) VALUES ($1, 'RUNNING', $2, $3, now() - interval '1 second')`,
      [id, total, staleToken],
    );
    const runner = new VerificationRunner(dataSource, billing, tariffs, verifications, pricing, 2_000);
    runner.wake();
    await runner.idle();
    expect(await new VerifyBillingHandler(dataSource, billing, verifications, runner).view(id)).toMatchObject({
      status: 'DONE',
      checked: total,
      total,
    });
    const stale = { id, leaseToken: staleToken, checked: 1, after: null, mismatches: [], done: false };
    expect(await verifications.recordPage(dataSource.manager, stale)).toBe(false);
  });

  it('sends a session that a tariff applies to but cannot price to the back of the sweep, saying why', async () => {
    const broken = aFinalizedSession('CHARGING', { stationTimeZone: 'Mars/Olympus_Mons' });
    await billing.save(dataSource.manager, broken, { reason: 'no CHARGING tariff was in force' });
    expect((await sweep.sweep()).unpriceable).toBeGreaterThanOrEqual(1);
    const stored = await billing.find(dataSource.manager, broken.sessionId);
    expect(stored).toMatchObject({ status: 'UNPRICED', reason: expect.stringContaining('could not price it') });
    const [{ last }] = (await dataSource.query(
      `SELECT session_id = $1 AS last FROM billing_record WHERE status = 'UNPRICED' ORDER BY calculated_at DESC LIMIT 1`,
      [broken.sessionId],
    )) as { last: boolean }[];
    expect(last).toBe(true);
  });

  describe("when pricing fails for a reason that is not the session's", () => {
    let locker: Client;

    /** An UNPRICED charge a tariff applies to, whose row another transaction holds locked. */
    const aLockedUnpricedSession = async () => {
      const session = aFinalizedSession('CHARGING');
      await billing.save(dataSource.manager, session, { reason: 'no CHARGING tariff was in force' });
      const before = (await billing.find(dataSource.manager, session.sessionId))!;
      await locker.query('BEGIN');
      await locker.query(`SELECT 1 FROM billing_record WHERE session_id = $1 FOR UPDATE`, [session.sessionId]);
      return { session, before };
    };

    /** The lock released, the next run prices the session it left. */
    const expectPricedByTheNextRun = async (sessionId: string) => {
      await locker.query('ROLLBACK');
      expect(await sweep.sweep()).toMatchObject({ priced: 1, deferred: 0 });
      expect(await billing.find(dataSource.manager, sessionId)).toMatchObject({ status: 'PRICED', reason: null });
    };

    beforeAll(async () => {
      // Only the runs these tests start, so each failure lands on the run that is asserted.
      await sweep.onModuleDestroy();
      locker = new Client({ connectionString: database.url });
      await locker.connect();
    });

    afterAll(async () => {
      await locker?.end();
    });

    it('leaves a session whose pricing hit the statement timeout for the next run, counted apart, its record untouched', async () => {
      const { session, before } = await aLockedUnpricedSession();
      const run = await sweep.sweep();
      expect(run).toMatchObject({ priced: 0, deferred: 1 });
      expect(await billing.find(dataSource.manager, session.sessionId)).toEqual(before);
      await expectPricedByTheNextRun(session.sessionId);
    });

    it('leaves a session whose database connection was terminated mid-pricing for the next run', async () => {
      const { session, before } = await aLockedUnpricedSession();
      const running = sweep.sweep();
      const { pid } = await waitFor(
        async () => {
          const [waiting] = (
            await locker.query(
              `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
            )
          ).rows as { pid: number }[];
          return waiting;
        },
        1_500,
        'the sweep to wait on the locked row',
        20,
      );
      await locker.query(`SELECT pg_terminate_backend($1)`, [pid]);
      expect(await running).toMatchObject({ priced: 0, deferred: 1 });
      expect(await billing.find(dataSource.manager, session.sessionId)).toEqual(before);
      await expectPricedByTheNextRun(session.sessionId);
    });
  });

  it('runs every query under the statement timeout', async () => {
    await expect(dataSource.query(`SELECT pg_sleep(3)`)).rejects.toMatchObject({ driverError: { code: '57014' } });
  });
});
