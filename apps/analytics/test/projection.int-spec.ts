import { migratedAnalyticsDatabase } from './analytics-database';
import { randomUUID } from 'node:crypto';
import type { ConfirmChannel } from 'amqplib';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { BILLING_CALCULATED_V2, createEnvelope, Queues, SESSION_FINALIZED_V1 } from '@chargeflow/contracts';
import {
  AmqpConnection,
  ConfirmPublisher,
  deadLetterQueueOf,
  ORIGINAL_ROUTING_KEY_HEADER,
} from '@chargeflow/messaging';
import {
  createIsolatedVhost,
  publishEvents,
  RecordingLogger,
  waitFor,
  type IsolatedDatabase,
  type IsolatedVhost,
} from '@chargeflow/testing';
import { AnalyticsEventsConsumer } from '../src/projection/apply-events/analytics-events.consumer';
import { StatusRpcController } from '../src/status/status.rpc.controller';
import { ApplyEventHandler } from '../src/projection/apply-events/apply-event.handler';
import { NIL_UUID } from '../src/projection/domain/contribution';
import { recountRollups } from '../src/verify/rollup-recount';
import { aBilling, aFinalizedCharge, aFinalizedRide, anUnpricedBilling } from './projection-fixtures';

/** The live projection on a real broker and database: the consumer as the service runs it. */
describe('analytics projection consumer', () => {
  let database: IsolatedDatabase;
  let vhost: IsolatedVhost;
  let dataSource: DataSource;
  let connection: AmqpConnection;
  let channel: ConfirmChannel;
  let consumer: AnalyticsEventsConsumer;
  let publisher: ConfirmPublisher;

  const applied = async (): Promise<number> => {
    const [{ count }] = (await dataSource.query(`SELECT count(*)::int AS count FROM inbox_message`)) as {
      count: number;
    }[];
    return count;
  };
  const untilApplied = (count: number) =>
    waitFor(async () => ((await applied()) >= count ? true : undefined), 20_000, `${count} events applied`);

  const allRow = (sessionKind: string, level = 'DAY') =>
    dataSource
      .query(
        `SELECT sessions::int, priced::int, energy_wh::text, distance_m::text, duration_s::int FROM projection.rollup
          WHERE level = $1 AND dim = 'ALL' AND dim_id = $2 AND kind = $3`,
        [level, NIL_UUID, sessionKind],
      )
      .then((rows: object[]) => rows[0]);
  const revenueOf = (dim: string, dimId: string) =>
    dataSource.query(
      `SELECT currency, sessions::int, trim_scale(excl_vat)::text AS excl_vat, trim_scale(vat)::text AS vat,
              trim_scale(incl_vat)::text AS incl_vat FROM projection.revenue_rollup
        WHERE level = 'MONTH' AND dim = $1 AND dim_id = $2 AND sessions <> 0 ORDER BY currency`,
      [dim, dimId],
    ) as Promise<object[]>;

  /** A consumer as the service runs it, consuming: a second instance, or one taking over after a stop. */
  async function startedConsumer(): Promise<AnalyticsEventsConsumer> {
    const started = new AnalyticsEventsConsumer(
      connection,
      dataSource,
      publisher,
      new ApplyEventHandler(),
      pino({ level: 'silent' }),
    );
    await started.onApplicationBootstrap();
    return started;
  }

  beforeAll(async () => {
    [{ database, dataSource }, vhost] = await Promise.all([
      migratedAnalyticsDatabase('analytics_projection'),
      createIsolatedVhost('analytics'),
    ]);
    connection = await AmqpConnection.open({ url: vhost.url, name: 'analytics-test', logger: new RecordingLogger() });
    channel = await connection.current().createConfirmChannel();
    publisher = await ConfirmPublisher.create(connection);
    consumer = await startedConsumer();
  });

  afterAll(async () => {
    await consumer?.onModuleDestroy();
    await connection?.close();
    await dataSource?.destroy();
    await Promise.all([database?.drop(), vhost?.remove()]);
  });

  beforeEach(async () => {
    await dataSource.query(
      `TRUNCATE inbox_message, projection.session_fact, projection.billing_fact, projection.rollup, projection.revenue_rollup,
        projection.rollup_months, projection.revenue_rollup_months`,
    );
  });

  it('counts a session delivered twice, and published twice, once', async () => {
    const ride = aFinalizedRide();
    const [messageId] = await publishEvents(channel, [{ type: SESSION_FINALIZED_V1, payload: ride }]);
    await publishEvents(channel, [
      { type: SESSION_FINALIZED_V1, payload: ride, messageId },
      { type: SESSION_FINALIZED_V1, payload: ride },
    ]);
    await untilApplied(2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await allRow('RIDE')).toEqual({
      sessions: 1,
      priced: 0,
      energy_wh: '120.5',
      distance_m: '3000.25',
      duration_s: 1200,
    });
    const [state] = (await dataSource.query(
      `SELECT last_event_occurred_at, last_applied_at FROM projection_state`,
    )) as {
      last_event_occurred_at: Date | null;
      last_applied_at: Date | null;
    }[];
    expect(state.last_event_occurred_at).not.toBeNull();
    expect(state.last_applied_at).not.toBeNull();
  });

  it('applies a billing that arrives before its session once the session comes', async () => {
    const charge = aFinalizedCharge({ energyWh: '22000.125' });
    await publishEvents(channel, [{ type: BILLING_CALCULATED_V2, payload: aBilling(charge) }]);
    await untilApplied(1);
    expect(await allRow('CHARGING')).toBeUndefined();
    await publishEvents(channel, [{ type: SESSION_FINALIZED_V1, payload: charge }]);
    await untilApplied(2);
    expect(await allRow('CHARGING', '15M')).toMatchObject({ sessions: 1, priced: 1, energy_wh: '22000.125' });
    expect(await revenueOf('STATION', charge.stationId!)).toEqual([
      { currency: 'EUR', sessions: 1, excl_vat: '10', vat: '1.9', incl_vat: '11.9' },
    ]);
  });

  it('lets a newer revision replace a billing and ignores a late older one', async () => {
    const ride = aFinalizedRide();
    await publishEvents(channel, [
      { type: SESSION_FINALIZED_V1, payload: ride },
      { type: BILLING_CALCULATED_V2, payload: anUnpricedBilling(ride, 1) },
    ]);
    await untilApplied(2);
    expect(await allRow('RIDE')).toMatchObject({ sessions: 1, priced: 0 });
    await publishEvents(channel, [
      {
        type: BILLING_CALCULATED_V2,
        payload: aBilling(ride, { revision: 2, totalExclVat: '20.00', totalInclVat: '21.90' }),
      },
    ]);
    await untilApplied(3);
    await publishEvents(channel, [{ type: BILLING_CALCULATED_V2, payload: aBilling(ride, { revision: 1 }) }]);
    await untilApplied(4);
    expect(await allRow('RIDE')).toMatchObject({ sessions: 1, priced: 1 });
    expect(await revenueOf('RIDER', ride.riderId!)).toEqual([
      { currency: 'EUR', sessions: 1, excl_vat: '20', vat: '1.9', incl_vat: '21.9' },
    ]);
    const [billing] = (await dataSource.query(`SELECT revision FROM projection.billing_fact WHERE session_id = $1`, [
      ride.sessionId,
    ])) as { revision: number }[];
    expect(billing.revision).toBe(2);
  });

  it('dead-letters events that break their contract, with the reason, and applies the next', async () => {
    const malformed = { ...aFinalizedRide(), energyWh: 'lots' };
    const undeclared = { ...aFinalizedRide(), unexpected: true };
    const negative = { ...aFinalizedRide(), energyWh: '-5' };
    const [malformedId, undeclaredId, negativeId] = await publishEvents(channel, [
      { type: SESSION_FINALIZED_V1, payload: malformed },
      { type: SESSION_FINALIZED_V1, payload: undeclared },
      { type: SESSION_FINALIZED_V1, payload: negative },
      { type: SESSION_FINALIZED_V1, payload: aFinalizedRide() },
    ]);
    await untilApplied(1);
    const deadLetters = new Map<string, string>();
    await waitFor(
      async () => {
        const message = await channel.get(deadLetterQueueOf(Queues.analyticsEvents), { noAck: false });
        if (message) {
          channel.ack(message);
          const headers = message.properties.headers ?? {};
          expect(headers['x-rejection-reason']).toBe('INVALID_PAYLOAD');
          deadLetters.set(String(message.properties.messageId), String(headers['x-rejection-detail']));
        }
        return deadLetters.size === 3 ? true : undefined;
      },
      10_000,
      'the three dead-lettered events',
    );
    expect(deadLetters.get(negativeId)).toMatch(/cannot be negative/);
    expect(deadLetters.get(malformedId)).toMatch(/^energyWh: /);
    expect(deadLetters.get(undeclaredId)).toMatch(/unexpected/);
    expect(await allRow('RIDE')).toMatchObject({ sessions: 1 });
  });

  it('dead-letters at once an event the database cannot store, and applies the rest of its batch', async () => {
    // Within the contract, beyond the column: a duration past bigint's range.
    const overflowing = { ...aFinalizedRide(), durationS: 1e19 };
    // Published while no consumer runs, so the three arrive in one batch and the batch falls back event by event.
    await consumer.onModuleDestroy();
    const [, overflowingId] = await publishEvents(channel, [
      { type: SESSION_FINALIZED_V1, payload: aFinalizedRide() },
      { type: SESSION_FINALIZED_V1, payload: overflowing },
      { type: SESSION_FINALIZED_V1, payload: aFinalizedCharge() },
    ]);
    consumer = await startedConsumer();
    const deadLetter = await waitFor(
      async () => {
        const message = await channel.get(deadLetterQueueOf(Queues.analyticsEvents), { noAck: false });
        if (message) channel.ack(message);
        return message || undefined;
      },
      10_000,
      'the dead-lettered event',
    );
    expect(deadLetter.properties.messageId).toBe(overflowingId);
    expect(deadLetter.properties.headers?.['x-rejection-reason']).toBe('UNSTORABLE');
    expect(String(deadLetter.properties.headers?.['x-rejection-detail'])).toMatch(/out of range/);
    await untilApplied(2);
    expect(await allRow('RIDE')).toMatchObject({ sessions: 1 });
    expect(await allRow('CHARGING')).toMatchObject({ sessions: 1 });
    expect(await applied()).toBe(2);
  });

  it('applies a dead letter replayed straight to its queue by its original routing key', async () => {
    const ride = aFinalizedRide();
    const envelope = createEnvelope(SESSION_FINALIZED_V1, ride, { correlationId: 'replay' });
    channel.sendToQueue(Queues.analyticsEvents, Buffer.from(JSON.stringify(envelope)), {
      persistent: true,
      headers: { [ORIGINAL_ROUTING_KEY_HEADER]: SESSION_FINALIZED_V1 },
    });
    await channel.waitForConfirms();
    await untilApplied(1);
    expect(await allRow('RIDE')).toMatchObject({ sessions: 1 });
  });

  it('keeps rollups equal to a recount of the facts after a mixed stream', async () => {
    const vehicle = randomUUID();
    const sessions = [
      aFinalizedRide({ vehicleId: vehicle, endedAt: '2026-11-30T23:59:59.999Z', energyWh: '0.1' }),
      aFinalizedRide({ vehicleId: vehicle, endedAt: '2026-12-01T00:00:00.000Z', energyWh: '0.2' }),
      aFinalizedCharge({ vehicleId: vehicle, endedAt: '2026-12-01T00:14:59.000Z' }),
      aFinalizedCharge({
        startedAt: '2026-10-31T23:00:00.000Z',
        endedAt: '2026-10-31T23:45:00.000Z',
        energyWh: '0.001',
      }),
    ];
    const events = sessions.flatMap((session, index) => [
      { type: BILLING_CALCULATED_V2, payload: anUnpricedBilling(session, 1) },
      { type: SESSION_FINALIZED_V1, payload: session },
      { type: SESSION_FINALIZED_V1, payload: session },
      ...(index % 2 === 0
        ? [
            {
              type: BILLING_CALCULATED_V2,
              payload: aBilling(session, { revision: 2, currency: index ? 'CHF' : 'EUR' }),
            },
          ]
        : []),
    ]);
    await publishEvents(channel, events);
    await untilApplied(events.length);
    expect(await recountRollups(dataSource.manager, 'projection')).toMatchObject({ differences: [] });
    const [{ sessions: counted }] = (await dataSource.query(
      `SELECT sum(sessions)::int AS sessions FROM projection.rollup WHERE level = 'MONTH' AND dim = 'VEHICLE' AND dim_id = $1`,
      [vehicle],
    )) as { sessions: number }[];
    expect(counted).toBe(3);
  });

  it('lets two instances apply a session and its billing at once without either missing the other', async () => {
    const second = await startedConsumer();
    try {
      const sessions = Array.from({ length: 40 }, (_, index) =>
        index % 2 ? aFinalizedRide({ energyWh: `${index}.5` }) : aFinalizedCharge({ energyWh: `${index}.25` }),
      );
      const events = sessions.flatMap((session, index) => {
        const pair = [
          { type: SESSION_FINALIZED_V1, payload: session },
          { type: BILLING_CALCULATED_V2, payload: aBilling(session) },
        ];
        return index % 3 ? pair : pair.reverse();
      });
      await publishEvents(channel, events);
      await untilApplied(events.length);
      expect(await recountRollups(dataSource.manager, 'projection')).toMatchObject({ differences: [] });
      const [{ priced }] = (await dataSource.query(
        `SELECT sum(priced)::int AS priced FROM projection.rollup WHERE level = 'MONTH' AND dim = 'ALL'`,
      )) as { priced: number }[];
      expect(priced).toBe(40);
    } finally {
      await second.onModuleDestroy();
    }
  });

  it('finds a tampered rollup', async () => {
    const ride = aFinalizedRide();
    await publishEvents(channel, [
      { type: SESSION_FINALIZED_V1, payload: ride },
      { type: BILLING_CALCULATED_V2, payload: aBilling(ride) },
    ]);
    await untilApplied(2);
    await dataSource.query(
      `UPDATE projection.rollup SET energy_wh = energy_wh + 1 WHERE level = 'HOUR' AND dim = 'VEHICLE' AND dim_id = $1`,
      [ride.vehicleId],
    );
    await dataSource.query(`UPDATE projection.revenue_rollup SET sessions = 2 WHERE level = 'DAY' AND dim = 'ALL'`);
    await dataSource.query(`UPDATE projection.rollup_months SET duration_s[11] = 7 WHERE dim = 'ALL'`);
    const report = await recountRollups(dataSource.manager, 'projection');
    expect(report.differences).toEqual([
      {
        what: `rollup HOUR VEHICLE ${ride.vehicleId} RIDE 2026-11-30 10:00:00+00 energy_wh`,
        expected: '120.5',
        found: '121.5',
      },
      { what: expect.stringMatching(/^revenue_rollup DAY ALL .* sessions$/), expected: 1, found: 2 },
      {
        what: 'rollup_months ALL 00000000-0000-0000-0000-000000000000 RIDE 2026 duration_s',
        expected: expect.stringMatching(/^\{0,0,0,0,0,0,0,0,0,0,[1-9]\d*,0\}$/),
        found: '{0,0,0,0,0,0,0,0,0,0,7,0}',
      },
    ]);
  });
  it('reports a lag that grows while events wait, and none once they are applied', async () => {
    const status = new StatusRpcController(dataSource, connection);
    const ride = aFinalizedRide({ endedAt: new Date(Date.now() - 60_000).toISOString() });
    await publishEvents(channel, [{ type: SESSION_FINALIZED_V1, payload: ride }]);
    await untilApplied(1);
    expect(await status.status()).toMatchObject({ pendingEvents: 0, lagS: 0 });

    await consumer.onModuleDestroy();
    try {
      await publishEvents(channel, [{ type: SESSION_FINALIZED_V1, payload: aFinalizedRide() }]);
      const waiting = await waitFor(
        async () => {
          const answer = await status.status();
          return answer.pendingEvents === 1 ? answer : undefined;
        },
        10_000,
        'the event to wait in the queue',
      );
      expect(waiting.lagS).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect((await status.status()).lagS).toBeGreaterThan((waiting.lagS as number) + 1);
    } finally {
      // A stopped consumer stays stopped, as at shutdown: a new one takes over, as after a restart.
      consumer = await startedConsumer();
    }
    await untilApplied(2);
    await waitFor(
      async () => ((await status.status()).lagS === 0 ? true : undefined),
      10_000,
      'the lag to fall back to zero',
    );
  });
});
