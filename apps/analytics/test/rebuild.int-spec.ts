import { randomUUID } from 'node:crypto';
import { migratedAnalyticsDatabase } from './analytics-database';
import pino from 'pino';
import type { ConfirmChannel } from 'amqplib';
import { DataSource } from 'typeorm';
import { BILLING_CALCULATED_V2, SESSION_FINALIZED_V1, type SessionFinalizedV1 } from '@chargeflow/contracts';
import { AmqpConnection, ConfirmPublisher } from '@chargeflow/messaging';
import { HealthRpcController } from '@chargeflow/runtime';
import {
  createIsolatedVhost,
  publishEvents,
  RecordingLogger,
  waitFor,
  type IsolatedDatabase,
  type IsolatedVhost,
} from '@chargeflow/testing';
import { AnalyticsEventsConsumer } from '../src/projection/apply-events/analytics-events.consumer';
import { ApplyEventHandler, billingFactOf, sessionFactOf } from '../src/projection/apply-events/apply-event.handler';
import { readProjectionState } from '../src/projection/infrastructure/projection-state';
import {
  REBUILD_RUN_LOCK,
  SWAP_LOCK,
  type BillingFactRow,
  type SessionFactRow,
} from '../src/projection/infrastructure/projection.store';
import { RebuildProjectionHandler } from '../src/rebuild/rebuild-projection.handler';
import { AnalyticsRebuildInProgressError } from '../src/rebuild/rebuild.errors';
import type { UpstreamReader } from '../src/rebuild/upstream.reader';
import { RebuildHealth } from '../src/status/rebuild-health';
import { VerifyProjectionHandler } from '../src/verify/verify-projection.handler';
import { AnalyticsVerifyRunNotFoundError } from '../src/verify/verify.errors';
import { recountRollups } from '../src/verify/rollup-recount';
import { aBilling, aFinalizedCharge, aFinalizedRide, anUnpricedBilling } from './projection-fixtures';

/** Upstream as the rebuild pages through it, held after its first page of sessions until the test lets it go. */
class GatedUpstream {
  private open!: () => void;
  readonly gate = new Promise<void>((resolve) => (this.open = resolve));
  reachedGate = false;

  constructor(
    private readonly sessions: SessionFactRow[][],
    private readonly billings: BillingFactRow[],
  ) {}

  release(): void {
    this.open();
  }

  async *finalizedSessions(): AsyncGenerator<SessionFactRow[]> {
    for (const [index, page] of this.sessions.entries()) {
      if (index === 1) {
        this.reachedGate = true;
        await this.gate;
      }
      yield page;
    }
  }

  async *billingRecords(): AsyncGenerator<BillingFactRow[]> {
    yield this.billings;
  }

  async counts(): Promise<{ finalizedSessions: number; billingRecords: number }> {
    return { finalizedSessions: this.sessions.flat().length, billingRecords: this.billings.length };
  }
}

const TABLES = {
  session_fact: `SELECT session_id, kind, vehicle_id, rider_id, station_id, started_at, ended_at, duration_s,
                        trim_scale(energy_wh) AS energy_wh, trim_scale(distance_m) AS distance_m FROM projection.session_fact`,
  billing_fact: `SELECT session_id, revision, status, currency, trim_scale(total_excl_vat) AS excl, trim_scale(total_vat) AS vat,
                        trim_scale(total_incl_vat) AS incl FROM projection.billing_fact`,
  rollup: `SELECT level, dim, dim_id, kind, bucket, sessions, priced, trim_scale(energy_wh) AS energy_wh,
                  trim_scale(distance_m) AS distance_m, duration_s FROM projection.rollup
            WHERE sessions <> 0 OR priced <> 0 OR energy_wh <> 0 OR distance_m <> 0 OR duration_s <> 0`,
  revenue_rollup: `SELECT level, dim, dim_id, kind, currency, bucket, sessions, trim_scale(excl_vat) AS excl,
                          trim_scale(vat) AS vat, trim_scale(incl_vat) AS incl FROM projection.revenue_rollup
                    WHERE sessions <> 0 OR excl_vat <> 0 OR vat <> 0 OR incl_vat <> 0`,
};

describe('analytics rebuild', () => {
  let database: IsolatedDatabase;
  let vhost: IsolatedVhost;
  let dataSource: DataSource;
  let connection: AmqpConnection;
  let channel: ConfirmChannel;
  let consumer: AnalyticsEventsConsumer;
  let publisher: ConfirmPublisher;
  const logger = pino({ level: 'silent' });

  const applied = async (): Promise<number> =>
    ((await dataSource.query(`SELECT count(*)::int AS count FROM inbox_message`)) as { count: number }[])[0].count;
  const untilApplied = (count: number) =>
    waitFor(async () => ((await applied()) >= count ? true : undefined), 20_000, `${count} events applied`);
  const untilBuilt = () =>
    waitFor(
      async () => {
        const state = await readProjectionState(dataSource.manager);
        return state.rebuild.state === 'IDLE' && state.builtAt ? state : undefined;
      },
      20_000,
      'the rebuild to switch over',
    );

  /** Every table of the live projection, in a stable order, numerics without trailing zeros. */
  async function snapshot(): Promise<Record<string, unknown[]>> {
    const entries = await Promise.all(
      Object.entries(TABLES).map(async ([name, sql]) => [
        name,
        await dataSource.query(`${sql} ORDER BY 1, 2, 3, 4, 5, 6`),
      ]),
    );
    return Object.fromEntries(entries) as Record<string, unknown[]>;
  }

  /** The live projection's facts, as upstream would page them. */
  async function liveFacts(): Promise<[SessionFactRow[], BillingFactRow[]]> {
    return Promise.all([
      dataSource.query(
        `SELECT session_id AS "sessionId", kind, vehicle_id AS "vehicleId", rider_id AS "riderId", station_id AS "stationId",
                started_at AS "startedAt", ended_at AS "endedAt", duration_s::int AS "durationS", energy_wh::text AS "energyWh",
                distance_m::text AS "distanceM" FROM projection.session_fact ORDER BY ended_at`,
      ) as Promise<SessionFactRow[]>,
      dataSource.query(
        `SELECT session_id AS "sessionId", revision, status, currency, total_excl_vat::text AS "totalExclVat",
                total_vat::text AS "totalVat", total_incl_vat::text AS "totalInclVat" FROM projection.billing_fact`,
      ) as Promise<BillingFactRow[]>,
    ]);
  }

  const rebuildWith = (upstream: GatedUpstream) =>
    new RebuildProjectionHandler(dataSource, upstream as unknown as UpstreamReader, logger);

  beforeAll(async () => {
    [{ database, dataSource }, vhost] = await Promise.all([
      migratedAnalyticsDatabase('analytics_rebuild'),
      createIsolatedVhost('rebuild'),
    ]);
    connection = await AmqpConnection.open({ url: vhost.url, name: 'rebuild-test', logger: new RecordingLogger() });
    channel = await connection.current().createConfirmChannel();
    publisher = await ConfirmPublisher.create(connection);
    consumer = new AnalyticsEventsConsumer(connection, dataSource, publisher, new ApplyEventHandler(), logger);
    await consumer.onApplicationBootstrap();
  });

  afterAll(async () => {
    await consumer?.onModuleDestroy();
    await connection?.close();
    await dataSource?.destroy();
    await Promise.all([database?.drop(), vhost?.remove()]);
  });

  it('builds an empty projection on start, from upstream, and marks it built', async () => {
    expect((await readProjectionState(dataSource.manager)).builtAt).toBeNull();
    const ride = aFinalizedRide();
    const upstream = new GatedUpstream([[sessionFactOf(ride)]], [billingFactOf(aBilling(ride))]);
    const handler = rebuildWith(upstream);
    await handler.onApplicationBootstrap();
    const state = await untilBuilt();
    await handler.onModuleDestroy();
    expect(state.rebuild).toMatchObject({ sessionsRead: 1, billingRecordsRead: 1 });
    const rows = await snapshot();
    expect(rows.session_fact).toHaveLength(1);
    expect(rows.revenue_rollup).toHaveLength(12);
    expect(await recountRollups(dataSource.manager, 'projection')).toMatchObject({ differences: [] });
  });

  it('equals the live projection, events applied during the rebuild included, and refuses a second one meanwhile', async () => {
    const [ride, charge, unpricedRide, lateRide]: SessionFinalizedV1[] = [
      aFinalizedRide({ endedAt: '2026-11-30T23:59:59.999Z' }),
      // A charge that names its rider (an OCPP start): counted in the rider's rollups, live and rebuilt.
      aFinalizedCharge({ energyWh: '22000.123456', riderId: randomUUID() }),
      aFinalizedRide({ energyWh: '0.1' }),
      aFinalizedRide({ endedAt: '2026-12-01T00:00:00.000Z', energyWh: '0.2' }),
    ];
    const before = await applied();
    await publishEvents(channel, [
      { type: SESSION_FINALIZED_V1, payload: ride },
      { type: BILLING_CALCULATED_V2, payload: anUnpricedBilling(ride, 1) },
      { type: BILLING_CALCULATED_V2, payload: aBilling(ride, { revision: 2 }) },
      { type: SESSION_FINALIZED_V1, payload: charge },
      { type: BILLING_CALCULATED_V2, payload: aBilling(charge, { currency: 'CHF' }) },
      { type: SESSION_FINALIZED_V1, payload: unpricedRide },
    ]);
    await untilApplied(before + 6);
    // The previous test's ride is in the live projection and upstream too.
    const [[previous], [previousBilling]] = await liveFacts();

    const upstream = new GatedUpstream(
      [
        [previous, sessionFactOf(ride)],
        [sessionFactOf(charge), sessionFactOf(unpricedRide)],
      ],
      [
        previousBilling,
        billingFactOf(aBilling(ride, { revision: 2 })),
        billingFactOf(aBilling(charge, { currency: 'CHF' })),
      ],
    );
    const handler = rebuildWith(upstream);
    const progress = await handler.start('test');
    expect(progress.state).toBe('REBUILDING');
    await waitFor(async () => (upstream.reachedGate ? true : undefined), 10_000, 'the rebuild to read its first page');

    await expect(rebuildWith(upstream).start('again')).rejects.toBeInstanceOf(AnalyticsRebuildInProgressError);
    const health = await new HealthRpcController(
      'analytics',
      dataSource,
      connection,
      new RebuildHealth(dataSource),
    ).check();
    expect(health).toMatchObject({
      status: 'up',
      database: 'up',
      rebuilding: { state: 'REBUILDING', sessionsRead: 2, billingRecordsRead: 0 },
    });

    // Applied while the rebuild runs, after upstream's pages passed them: a new session and a re-pricing.
    await publishEvents(channel, [
      { type: SESSION_FINALIZED_V1, payload: lateRide },
      { type: BILLING_CALCULATED_V2, payload: aBilling(lateRide) },
      { type: BILLING_CALCULATED_V2, payload: aBilling(ride, { revision: 3, totalExclVat: '30.00' }) },
    ]);
    await untilApplied(before + 9);
    const live = await snapshot();
    expect(live.session_fact).toHaveLength(5);

    upstream.release();
    await untilBuilt();
    expect(await snapshot()).toEqual(live);
    expect(await new RebuildHealth(dataSource).current()).toEqual({});
    expect(await recountRollups(dataSource.manager, 'projection')).toMatchObject({ differences: [] });
    const schemas = (await dataSource.query(
      `SELECT nspname FROM pg_namespace WHERE nspname LIKE 'projection%' ORDER BY nspname`,
    )) as { nspname: string }[];
    expect(schemas.map((schema) => schema.nspname)).toEqual(['projection']);

    // The consumer goes on into the new projection.
    const after = aFinalizedCharge();
    await publishEvents(channel, [{ type: SESSION_FINALIZED_V1, payload: after }]);
    await untilApplied(before + 10);
    expect((await snapshot()).session_fact).toHaveLength(6);
  });
  it('counts the new rollups beside the consumer and the readers, and adds what was applied meanwhile', async () => {
    const charge = aFinalizedCharge({ energyWh: '1000.5' });
    let before = await applied();
    await publishEvents(channel, [
      { type: SESSION_FINALIZED_V1, payload: charge },
      { type: BILLING_CALCULATED_V2, payload: aBilling(charge, { revision: 1 }) },
    ]);
    await untilApplied(before + 2);
    const [sessions, billings] = await liveFacts();
    const upstream = new GatedUpstream([sessions.slice(0, 1), sessions.slice(1)], billings);
    await rebuildWith(upstream).start('test');
    await waitFor(async () => (upstream.reachedGate ? true : undefined), 10_000, 'the rebuild to read its first page');
    const [{ schema }] = (await dataSource.query(`SELECT rebuild_schema AS schema FROM projection_state`)) as {
      schema: string;
    }[];
    // Holds the count at its first insert, so the test can act while it runs.
    const blocker = dataSource.createQueryRunner();
    await blocker.startTransaction();
    try {
      await blocker.query(`LOCK TABLE ${schema}.rollup IN SHARE MODE`);
      upstream.release();
      await waitFor(
        async () => {
          const [{ counting }] = (await dataSource.query(
            `SELECT rebuild_rollups AS counting FROM projection_state`,
          )) as { counting: boolean }[];
          return counting || undefined;
        },
        10_000,
        'the rebuild to count its rollups',
      );
      const [{ readable }] = (await dataSource.query(`SELECT pg_try_advisory_lock_shared($1) AS readable`, [
        SWAP_LOCK,
      ])) as { readable: boolean }[];
      expect(readable).toBe(true);
      await dataSource.query(`SELECT pg_advisory_unlock_shared($1)`, [SWAP_LOCK]);

      // Applied during the count: a new priced session, a re-pricing of a counted one, a duplicate.
      const late = aFinalizedRide({ energyWh: '3.25' });
      before = await applied();
      await publishEvents(channel, [
        { type: SESSION_FINALIZED_V1, payload: late },
        { type: BILLING_CALCULATED_V2, payload: aBilling(late) },
        { type: BILLING_CALCULATED_V2, payload: aBilling(charge, { revision: 2, totalExclVat: '99.10' }) },
        { type: SESSION_FINALIZED_V1, payload: charge },
      ]);
      await untilApplied(before + 3);
      const [{ deltas }] = (await dataSource.query(`SELECT count(*)::int AS deltas FROM ${schema}.rollup_delta`)) as {
        deltas: number;
      }[];
      expect(deltas).toBeGreaterThan(0);
    } finally {
      await blocker.commitTransaction();
      await blocker.release();
    }
    const live = await snapshot();
    await untilBuilt();
    expect(await snapshot()).toEqual(live);
    expect(await recountRollups(dataSource.manager, 'projection')).toMatchObject({ differences: [] });
  });

  it('abandons a failed rebuild: the live projection stays, the new schema goes, another may start', async () => {
    const live = await snapshot();
    const failing = {
      finalizedSessions: async function* (): AsyncGenerator<SessionFactRow[]> {
        yield [];
        throw new Error('sessions service refused the page');
      },
    } as unknown as UpstreamReader;
    // The rebuild before this one marks itself IDLE a moment before its run lock is given back.
    await waitFor(
      () =>
        new RebuildProjectionHandler(dataSource, failing, logger).start('failing').then(
          () => true,
          (error: unknown) => {
            if (error instanceof AnalyticsRebuildInProgressError) return undefined;
            throw error;
          },
        ),
      10_000,
      'the run lock of the rebuild before',
      100,
    );
    await waitFor(
      async () => ((await readProjectionState(dataSource.manager)).rebuild.state === 'IDLE' ? true : undefined),
      10_000,
      'the failed rebuild to be abandoned',
    );
    expect((await readProjectionState(dataSource.manager)).rebuild.finishedAt).toBeNull();
    expect(await snapshot()).toEqual(live);
    const schemas = (await dataSource.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'projection%'`)) as {
      nspname: string;
    }[];
    expect(schemas.map((schema) => schema.nspname)).toEqual(['projection']);
    const upstream = new GatedUpstream([], []);
    await waitFor(
      async () => (await rebuildWith(upstream).start('after a failure')).state,
      10_000,
      'the run lock to be free again',
    );
    await untilBuilt();
    expect((await snapshot()).session_fact).toEqual([]);
  });
  it('takes over a rebuild whose instance died, from an instance that found it under way and left it', async () => {
    // Another instance's rebuild as the database sees it: the projection marked rebuilding, the run lock held by its connection.
    const other = await dataSource.createQueryRunner();
    await other.connect();
    await waitFor(
      async () =>
        (await other.query(`SELECT pg_try_advisory_lock($1) AS locked`, [REBUILD_RUN_LOCK]))[0].locked
          ? true
          : undefined,
      10_000,
      'the run lock of the rebuild before',
      100,
    );
    await dataSource.query(`UPDATE projection_state SET rebuild_state = 'REBUILDING', rebuild_started_at = now()`);
    const ride = aFinalizedRide();
    const survivor = rebuildWith(new GatedUpstream([[sessionFactOf(ride)]], [billingFactOf(aBilling(ride))]));
    try {
      await survivor.onApplicationBootstrap();
      expect((await readProjectionState(dataSource.manager)).rebuild.state).toBe('REBUILDING');
      // The other instance dies: its connection, and the lock with it, go away.
      await other.query(`SELECT pg_advisory_unlock_all()`);
      await other.release();
      const state = await waitFor(
        async () => {
          const now = await readProjectionState(dataSource.manager);
          return now.rebuild.state === 'IDLE' && now.rebuild.sessionsRead === 1 ? now : undefined;
        },
        20_000,
        'the abandoned rebuild to be taken over',
        100,
      );
      expect(state.builtAt).not.toBeNull();
      expect((await snapshot()).session_fact).toHaveLength(1);
    } finally {
      await survivor.onModuleDestroy();
    }
  });

  describe('verify, in the background', () => {
    const verifierOf = (upstream: GatedUpstream) =>
      new VerifyProjectionHandler(dataSource, upstream as unknown as UpstreamReader, logger);
    const untilFinished = (verifier: VerifyProjectionHandler, id: string) =>
      waitFor(
        async () => {
          const run = await verifier.find(id);
          return run.status === 'RUNNING' ? undefined : run;
        },
        20_000,
        'the verification to finish',
        50,
      );

    it('answers RUNNING at once, then DONE with the report', async () => {
      const ride = aFinalizedRide();
      const before = await applied();
      await publishEvents(channel, [
        { type: SESSION_FINALIZED_V1, payload: ride },
        { type: BILLING_CALCULATED_V2, payload: aBilling(ride) },
      ]);
      await untilApplied(before + 2);
      const [sessions, billings] = await liveFacts();
      const verifier = verifierOf(new GatedUpstream([sessions], billings));
      const started = await verifier.start();
      expect(started).toMatchObject({ status: 'RUNNING', finishedAt: null, report: null, error: null });
      expect(await untilFinished(verifier, started.id)).toMatchObject({
        id: started.id,
        status: 'DONE',
        report: { sessions: sessions.length, differences: [] },
        error: null,
      });
      // One billing record fewer upstream than in the projection: listed.
      const short = verifierOf(new GatedUpstream([sessions], billings.slice(1)));
      const run = await untilFinished(short, (await short.start()).id);
      expect(run.report?.differences).toEqual([
        {
          what: 'billing records (upstream vs projection)',
          expected: billings.length - 1,
          found: billings.length,
        },
      ]);
    });

    it('fails a run that a switch-over crossed, and one whose instance stopped', async () => {
      const [sessions, billings] = await liveFacts();
      const verifier = verifierOf(new GatedUpstream([sessions], billings));
      const blocker = dataSource.createQueryRunner();
      await blocker.startTransaction();
      let id: string;
      try {
        // Holds the recount at the rollups while the projection is switched over under it.
        await blocker.query(`LOCK TABLE projection.rollup IN ACCESS EXCLUSIVE MODE`);
        id = (await verifier.start()).id;
        await waitFor(
          async () => {
            const [{ waiting }] = (await dataSource.query(
              `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
            )) as { waiting: number }[];
            return waiting > 0 || undefined;
          },
          10_000,
          'the recount to wait for the rollups',
        );
        // One verification at a time per instance: a second start answers the running one.
        expect((await verifier.start()).id).toBe(id);
        await dataSource.query(`UPDATE projection_state SET built_at = now() + interval '1 second'`);
      } finally {
        await blocker.commitTransaction();
        await blocker.release();
      }
      expect(await untilFinished(verifier, id)).toMatchObject({
        status: 'FAILED',
        report: null,
        error: expect.stringContaining('a rebuild switched the projection over while it was verified'),
      });

      const orphan = randomUUID();
      await dataSource.query(`INSERT INTO verify_run (id, status) VALUES ($1, 'RUNNING')`, [orphan]);
      expect(await verifier.find(orphan)).toMatchObject({
        status: 'FAILED',
        error: expect.stringContaining('stopped before it finished'),
      });
      await expect(verifier.find(randomUUID())).rejects.toBeInstanceOf(AnalyticsVerifyRunNotFoundError);
    });
  });
});
