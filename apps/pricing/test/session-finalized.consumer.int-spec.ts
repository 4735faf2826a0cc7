import type { ConfirmChannel } from 'amqplib';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { BILLING_CALCULATED_V1, BILLING_CALCULATED_V2, Queues, SESSION_FINALIZED_V1 } from '@chargeflow/contracts';
import { AmqpConnection, ConfirmPublisher, deadLetterQueueOf } from '@chargeflow/messaging';
import {
  createIsolatedDatabase,
  createIsolatedVhost,
  publishWhileStopped,
  takeDeadLetters,
  RecordingLogger,
  waitFor,
  type IsolatedDatabase,
  type IsolatedVhost,
} from '@chargeflow/testing';
import { pricingDatabaseOptions } from '../src/app.module';
import { BillingRepository } from '../src/billing/infrastructure/billing.repository';
import { PriceFinalizedSessionHandler } from '../src/billing/price-session/price-finalized-session.handler';
import { SessionFinalizedConsumer } from '../src/billing/price-session/session-finalized.consumer';
import { UnpricedSweep } from '../src/billing/sweep-unpriced/unpriced-sweep';
import { TariffRepository } from '../src/tariff/infrastructure/tariff.repository';
import { ManageTariffsHandler } from '../src/tariff/manage-tariffs/manage-tariffs.handler';
import { aFinalizedSession, timeOfDayTariff } from './pricing-fixtures';

const OPERATOR_ZONE = 'Europe/Amsterdam';

/** The consumer as the service runs it, on a real broker and database, in batches. */
describe('pricing finalized sessions from the queue', () => {
  jest.setTimeout(120_000);
  let database: IsolatedDatabase;
  let vhost: IsolatedVhost;
  let dataSource: DataSource;
  let connection: AmqpConnection;
  let channel: ConfirmChannel;
  let publisher: ConfirmPublisher;
  let consumer: SessionFinalizedConsumer | null = null;
  let sweep: UnpricedSweep;
  const billing = new BillingRepository();
  const tariffs = new TariffRepository();
  const handler = new PriceFinalizedSessionHandler(tariffs, billing, OPERATOR_ZONE);

  const startConsumer = async () => {
    consumer = new SessionFinalizedConsumer(connection, dataSource, publisher, handler, pino({ level: 'silent' }));
    await consumer.onApplicationBootstrap();
  };
  const stopConsumer = async () => {
    await consumer?.onModuleDestroy();
    consumer = null;
  };
  /** Published while no consumer runs, so they arrive in one batch; resolves the message ids. */
  const publishFinalized = (payloads: object[], messageIds: (string | undefined)[] = []) =>
    publishWhileStopped(
      channel,
      { stop: stopConsumer, start: startConsumer },
      payloads.map((payload, index) => ({ type: SESSION_FINALIZED_V1, payload, messageId: messageIds[index] })),
      'pricing-consumer-test',
    );
  const count = async (sql: string, parameters: unknown[] = []) =>
    ((await dataSource.query(sql, parameters)) as { n: number }[])[0].n;
  const deadLetters = (expected: number) =>
    takeDeadLetters(channel, deadLetterQueueOf(Queues.pricingFinalizedSessions), expected);

  beforeAll(async () => {
    [database, vhost] = await Promise.all([
      createIsolatedDatabase('pricing_consumer'),
      createIsolatedVhost('pricing_consumer'),
    ]);
    dataSource = new DataSource(
      pricingDatabaseOptions({ PRICING_DATABASE_URL: database.url, DATABASE_STATEMENT_TIMEOUT_MS: 10_000 }),
    );
    await dataSource.initialize();
    connection = await AmqpConnection.open({ url: vhost.url, name: 'pricing-test', logger: new RecordingLogger() });
    channel = await connection.current().createConfirmChannel();
    publisher = await ConfirmPublisher.create(connection);
    sweep = new UnpricedSweep(dataSource, billing, handler, 60_000);
    const manage = new ManageTariffsHandler(dataSource, tariffs, sweep);
    for (const kind of ['RIDE', 'CHARGING'] as const)
      await manage.create({ document: timeOfDayTariff(kind), effectiveFrom: '2020-01-01T00:00:00Z' });
    await startConsumer();
  });

  afterAll(async () => {
    await stopConsumer();
    await sweep?.onModuleDestroy();
    await connection?.close();
    await dataSource?.destroy();
    await Promise.all([database?.drop(), vhost?.remove()]);
  });

  it('prices a batch of sessions once each, however often a session or a message comes', async () => {
    const sessions = Array.from({ length: 30 }, (_, index) => aFinalizedSession(index % 2 ? 'RIDE' : 'CHARGING'));
    const [first] = sessions;
    const firstId = 'aaaaaaaa-0000-4000-8000-000000000001';
    // The first session's message twice (a redelivery), and the first session again under a new message id (a republication).
    await publishFinalized([...sessions, first, first], [firstId, ...sessions.slice(1).map(() => undefined), firstId]);
    const ids = sessions.map((session) => session.sessionId);
    await waitFor(
      async () =>
        (await count(`SELECT count(*)::int AS n FROM billing_record WHERE session_id = ANY($1)`, [ids])) === 30 &&
        (await count(`SELECT count(*)::int AS n FROM inbox_message`)) >= 31
          ? true
          : undefined,
      20_000,
      '30 sessions priced',
    );
    expect(
      await count(
        `SELECT count(*)::int AS n FROM billing_record WHERE session_id = ANY($1) AND status = 'PRICED' AND revision = 1`,
        [ids],
      ),
    ).toBe(30);
    // Each record announced once, in the transaction that wrote it.
    for (const type of [BILLING_CALCULATED_V1, BILLING_CALCULATED_V2])
      expect(
        await count(
          `SELECT count(*)::int AS n FROM outbox_message WHERE routing_key = $1 AND envelope->'payload'->>'sessionId' = ANY($2)`,
          [type, ids],
        ),
      ).toBe(30);
  });

  it('dead-letters what breaks the contract or cannot be stored, records what the engine refuses, and prices the rest of the batch', async () => {
    const fine = [aFinalizedSession('RIDE'), aFinalizedSession('CHARGING')];
    // Within the contract: a charge the tariff applies to in a zone the engine does not know.
    const unpriceable = aFinalizedSession('CHARGING', { stationTimeZone: 'Mars/Olympus_Mons' });
    // Within the contract, beyond what PostgreSQL's jsonb holds: a NUL character.
    const unstorable = aFinalizedSession('RIDE', { stationTimeZone: 'nul\u0000' });
    const [, , , breaksContract, unstorableId] = await publishFinalized([
      fine[0],
      unpriceable,
      fine[1],
      { ...aFinalizedSession('RIDE'), durationS: -1 },
      unstorable,
    ]);
    const letters = await deadLetters(2);
    expect(letters.find((letter) => letter.messageId === breaksContract)).toMatchObject({
      reason: 'INVALID_PAYLOAD',
      detail: expect.stringContaining('durationS'),
    });
    expect(letters.find((letter) => letter.messageId === unstorableId)).toMatchObject({
      reason: 'UNSTORABLE',
      detail: expect.stringMatching(/unicode|\\u0000/i),
    });
    await waitFor(
      async () =>
        (await count(`SELECT count(*)::int AS n FROM billing_record WHERE session_id = ANY($1)`, [
          [...fine, unpriceable].map((session) => session.sessionId),
        ])) === 3
          ? true
          : undefined,
      20_000,
      'the rest of the batch priced',
    );
    for (const session of fine)
      expect(await billing.find(dataSource.manager, session.sessionId)).toMatchObject({ status: 'PRICED' });
    expect(await billing.find(dataSource.manager, unpriceable.sessionId)).toMatchObject({
      status: 'UNPRICED',
      reason: expect.stringContaining('a tariff applies but could not price it'),
    });
    expect(await billing.find(dataSource.manager, unstorable.sessionId)).toBeNull();
  });
});
