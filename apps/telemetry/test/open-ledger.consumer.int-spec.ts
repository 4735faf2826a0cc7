import { randomUUID } from 'node:crypto';
import type { ConfirmChannel } from 'amqplib';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { Queues, SESSION_STARTED_V1 } from '@chargeflow/contracts';
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
import { LedgerRepository } from '../src/ledger/ledger.repository';
import { SessionStartedConsumer } from '../src/ledger/open-ledger/session-started.consumer';
import { telemetryMigrations } from '../src/migrations';

/** The consumer as the service runs it, on a real broker and database: ledgers opened in batches. */
describe('telemetry opens ledgers from session.started.v1', () => {
  jest.setTimeout(120_000);
  let database: IsolatedDatabase;
  let vhost: IsolatedVhost;
  let dataSource: DataSource;
  let connection: AmqpConnection;
  let channel: ConfirmChannel;
  let publisher: ConfirmPublisher;
  let consumer: SessionStartedConsumer | null = null;
  const ledger = new LedgerRepository();

  const aStart = (kind: 'RIDE' | 'CHARGING' = 'RIDE') => ({
    sessionId: randomUUID(),
    kind,
    vehicleId: randomUUID(),
    riderId: kind === 'RIDE' ? randomUUID() : null,
    stationId: kind === 'CHARGING' ? randomUUID() : null,
    stationMetered: kind === 'CHARGING' ? true : null,
    startedAt: new Date(Date.now() - 60_000).toISOString(),
  });
  const startConsumer = async () => {
    consumer = new SessionStartedConsumer(connection, dataSource, publisher, ledger, pino({ level: 'silent' }));
    await consumer.onApplicationBootstrap();
  };
  const stopConsumer = async () => {
    await consumer?.onModuleDestroy();
    consumer = null;
  };
  /** Published while no consumer runs, so they arrive in one batch; resolves the message ids. */
  const publishStarts = (payloads: object[], messageIds: (string | undefined)[] = []) =>
    publishWhileStopped(
      channel,
      { stop: stopConsumer, start: startConsumer },
      payloads.map((payload, index) => ({ type: SESSION_STARTED_V1, payload, messageId: messageIds[index] })),
      'open-ledger-test',
    );
  const ledgers = async (sessionIds: string[]) =>
    (await dataSource.query(
      `SELECT session_id, kind, state, metered, sample_count FROM session_ledger WHERE session_id = ANY($1)`,
      [sessionIds],
    )) as { session_id: string; kind: string; state: string; metered: boolean; sample_count: number }[];

  beforeAll(async () => {
    [database, vhost] = await Promise.all([
      createIsolatedDatabase('telemetry_open_ledger'),
      createIsolatedVhost('telemetry_open_ledger'),
    ]);
    dataSource = await new DataSource({
      type: 'postgres',
      url: database.url,
      migrations: telemetryMigrations,
      migrationsRun: true,
    }).initialize();
    connection = await AmqpConnection.open({ url: vhost.url, name: 'open-ledger-test', logger: new RecordingLogger() });
    channel = await connection.current().createConfirmChannel();
    publisher = await ConfirmPublisher.create(connection);
    await startConsumer();
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    await stopConsumer();
    await connection?.close();
    await dataSource?.destroy();
    await Promise.all([database?.drop(), vhost?.remove()]);
  });

  it('opens each ledger of a batch once, however often its start comes, and leaves a ledger the seal opened sealed', async () => {
    const starts = Array.from({ length: 40 }, (_, index) => aStart(index % 4 ? 'RIDE' : 'CHARGING'));
    const [first, second] = starts;
    // The seal overtook the second session's start: its ledger is already there, sealed and empty.
    await ledger.seal(dataSource.manager, second);
    const openAll = jest.spyOn(ledger, 'openAll');
    const firstMessageId = randomUUID();
    // The first start's message twice (a redelivery) and again under a new message id (a republication).
    await publishStarts(
      [...starts, first, first],
      [firstMessageId, ...starts.slice(1).map(() => undefined), firstMessageId],
    );
    const ids = starts.map((start) => start.sessionId);
    await waitFor(async () => ((await ledgers(ids)).length === 40 ? true : undefined), 20_000, '40 ledgers');
    // Opened together: the queue held all 42 when the consumer started.
    expect(Math.max(...openAll.mock.calls.map(([, openings]) => openings.length))).toBeGreaterThan(1);
    const opened = new Map((await ledgers(ids)).map((row) => [row.session_id, row]));
    for (const start of starts)
      expect(opened.get(start.sessionId)).toMatchObject({
        kind: start.kind,
        state: start === second ? 'SEALED' : 'ACTIVE',
        metered: start.kind === 'CHARGING',
        sample_count: 0,
      });
  });

  it('dead-letters a start that breaks the contract, with the reason, and opens the rest of its batch', async () => {
    const fine = [aStart('RIDE'), aStart('CHARGING')];
    const [, breaksContract] = await publishStarts([fine[0], { ...aStart('RIDE'), vehicleId: 'bike 7' }, fine[1]]);
    const [letter] = await takeDeadLetters(channel, deadLetterQueueOf(Queues.telemetrySessionEvents), 1);
    expect(letter).toEqual({
      messageId: breaksContract,
      reason: 'INVALID_PAYLOAD',
      detail: expect.stringContaining('vehicleId'),
    });
    await waitFor(
      async () => ((await ledgers(fine.map((start) => start.sessionId))).length === 2 ? true : undefined),
      20_000,
      'the rest of the batch opened',
    );
  });
});
