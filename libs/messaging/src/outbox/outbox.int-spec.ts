import { DataSource, type QueryRunner } from 'typeorm';
import { createEnvelope, Exchanges } from '@chargeflow/contracts';
import {
  createIsolatedDatabase,
  createIsolatedVhost,
  RecordingLogger,
  waitFor,
  type IsolatedDatabase,
  type IsolatedVhost,
} from '@chargeflow/testing';
import { AmqpConnection } from '../amqp-connection';
import { runPrepared } from '../prepared-statement';
import { ConfirmPublisher } from '../confirm-publisher';
import { processOnce } from '../inbox/inbox';
import { CreateInbox1763800000001 } from '../inbox/inbox.migration';
import { declareExchanges, declareFactQueue } from '../topology';
import { addToOutbox, outboxRowsAfter, outboxWrittenBy } from './outbox';
import { markPublished, OutboxRelay } from './outbox-relay';
import { IndexOutboxPublishedAt1765100000000 } from './outbox-published-index.migration';
import { CreateOutbox1763800000000 } from './outbox.migration';
import { OutboxWithoutNotify1768500000000 } from './outbox-without-notify.migration';

/** A database with only an outbox, for a relay of its own whose every drain the test accounts for. */
async function anOutboxOfItsOwn(label: string): Promise<[IsolatedDatabase, DataSource]> {
  const database = await createIsolatedDatabase(label);
  const dataSource = await new DataSource({
    type: 'postgres',
    url: database.url,
    migrations: [CreateOutbox1763800000000, IndexOutboxPublishedAt1765100000000, OutboxWithoutNotify1768500000000],
    migrationsRun: true,
  }).initialize();
  return [database, dataSource];
}

describe('transactional outbox and idempotent inbox on real PostgreSQL and RabbitMQ', () => {
  let database: IsolatedDatabase;
  let vhost: IsolatedVhost;
  let dataSource: DataSource;
  let connection: AmqpConnection;
  let relay: OutboxRelay;
  const logger = new RecordingLogger();
  const received: string[] = [];

  beforeAll(async () => {
    [database, vhost] = await Promise.all([createIsolatedDatabase('outbox'), createIsolatedVhost('outbox')]);
    dataSource = await new DataSource({
      type: 'postgres',
      url: database.url,
      migrations: [
        CreateOutbox1763800000000,
        CreateInbox1763800000001,
        IndexOutboxPublishedAt1765100000000,
        OutboxWithoutNotify1768500000000,
      ],
      migrationsRun: true,
    }).initialize();
    await dataSource.query('CREATE TABLE effect (id serial PRIMARY KEY, note text NOT NULL)');
    connection = await AmqpConnection.open({ url: vhost.url, name: 'outbox-test', logger });
    await connection.onConnected(async (model) => {
      const channel = await model.createChannel();
      await declareExchanges(channel);
      await declareFactQueue(model, {
        name: 'test.outbox',
        bindings: [{ exchange: Exchanges.events, routingKey: 'outbox.#' }],
      });
      await channel.consume('test.outbox', (message) => {
        if (!message) return;
        received.push(JSON.parse(message.content.toString()).payload.note);
        channel.ack(message);
      });
    });
    relay = new OutboxRelay({
      dataSource,
      publisher: await ConfirmPublisher.create(connection),
      logger,
      pollIntervalMs: 200,
    });
    await relay.start();
  });

  afterAll(async () => {
    await relay.stop();
    await connection.close();
    await dataSource.destroy();
    await Promise.all([database.drop(), vhost.remove()]);
  });

  async function writeWithEvent(note: string, fail = false): Promise<void> {
    await dataSource.transaction(async (manager) => {
      await manager.query('INSERT INTO effect (note) VALUES ($1)', [note]);
      await addToOutbox(
        manager,
        Exchanges.events,
        'outbox.test.v1',
        createEnvelope('outbox.test.v1', { note }, { correlationId: note }),
      );
      if (fail) throw new Error('the change failed');
    });
  }

  it('publishes an event committed with its change, in order, and marks it published', async () => {
    await writeWithEvent('a');
    await writeWithEvent('b');
    await waitFor(async () => (received.includes('b') ? true : undefined), 5_000, 'the events');
    expect(received.filter((note) => note === 'a' || note === 'b')).toEqual(['a', 'b']);
    await waitFor(async () => ((await relay.backlog()) === 0 ? true : undefined), 5_000, 'an empty backlog');
  });

  it('publishes nothing when the change rolls back', async () => {
    await expect(writeWithEvent('rolled-back', true)).rejects.toThrow('the change failed');
    await writeWithEvent('after-rollback');
    await waitFor(async () => (received.includes('after-rollback') ? true : undefined), 5_000, 'the next event');
    expect(received).not.toContain('rolled-back');
    const [{ n }] = await dataSource.query(
      `SELECT count(*)::int AS n FROM outbox_message WHERE envelope->'payload'->>'note' = 'rolled-back'`,
    );
    expect(n).toBe(0);
  });

  it('keeps events written while the broker is away and publishes them after it comes back', async () => {
    await vhost.dropConnections();
    await writeWithEvent('during-outage');
    await waitFor(
      async () => (received.includes('during-outage') ? true : undefined),
      15_000,
      'the event written during the outage',
    );
  });

  it('refuses to write an event outside a transaction', async () => {
    await expect(
      addToOutbox(
        dataSource.manager,
        Exchanges.events,
        'outbox.test.v1',
        createEnvelope('outbox.test.v1', {}, { correlationId: 'x' }),
      ),
    ).rejects.toThrow('inside the transaction');
  });

  it('applies a message once per consumer, however often it is delivered', async () => {
    const messageId = createEnvelope('x', {}, { correlationId: 'inbox' }).messageId;
    const apply = () =>
      processOnce(dataSource, 'test-consumer', messageId, async (manager) => {
        await manager.query(`INSERT INTO effect (note) VALUES ('inbox')`);
      });
    const results = await Promise.all([apply(), apply(), apply()]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const [{ n }] = await dataSource.query(`SELECT count(*)::int AS n FROM effect WHERE note = 'inbox'`);
    expect(n).toBe(1);
    expect(await processOnce(dataSource, 'another-consumer', messageId, async () => undefined)).toBe(true);
  });

  it('deletes the rows published before the retention, in bounded batches, and keeps the rest', async () => {
    const insertPublished = (count: number, age: string) =>
      dataSource.query(
        `INSERT INTO outbox_message (message_id, exchange, routing_key, envelope, created_at, published_at)
         SELECT gen_random_uuid(), 'chargeflow.events', 'outbox.old.v1', '{}'::jsonb, now() - $2::interval, now() - $2::interval
         FROM generate_series(1, $1::int)`,
        [count, age],
      );
    await insertPublished(12_001, '8 days');
    await insertPublished(3, '1 hour');
    const [{ n: before }] = await dataSource.query(`SELECT count(*)::int AS n FROM outbox_message`);
    const pruning = new OutboxRelay({
      dataSource,
      publisher: await ConfirmPublisher.create(connection),
      logger,
      retentionMs: 24 * 3_600_000,
    });

    expect(await pruning.prune()).toBe(12_001);
    const [{ n: after }] = await dataSource.query(`SELECT count(*)::int AS n FROM outbox_message`);
    expect(after).toBe(before - 12_001);
    const [{ n: recent }] = await dataSource.query(
      `SELECT count(*)::int AS n FROM outbox_message WHERE routing_key = 'outbox.old.v1'`,
    );
    expect(recent).toBe(3);
    expect(await pruning.prune()).toBe(0);
  });

  it('wakes its relay when a write commits, not at its poll: after a transaction and after a single statement', async () => {
    const [quiet, quietSource] = await anOutboxOfItsOwn('outbox-wake');
    const slow = new OutboxRelay({
      dataSource: quietSource,
      publisher: await ConfirmPublisher.create(connection),
      logger,
      pollIntervalMs: 600_000,
    });
    await slow.start();
    try {
      await quietSource.transaction((manager) =>
        addToOutbox(
          manager,
          Exchanges.events,
          'outbox.test.v1',
          createEnvelope('outbox.test.v1', { note: 'woken-by-commit' }, { correlationId: 'wake' }),
        ),
      );
      await waitFor(async () => (received.includes('woken-by-commit') ? true : undefined), 5_000, 'the event');

      const rows = outboxRowsAfter(
        'changed',
        [
          {
            exchange: Exchanges.events,
            routingKey: 'outbox.test.v1',
            envelope: createEnvelope('outbox.test.v1', { note: 'woken-by-statement' }, { correlationId: 'wake' }),
          },
        ],
        1,
      );
      await quietSource.manager.query(`WITH changed AS (SELECT 1), events AS (${rows.sql}) SELECT 1`, rows.parameters);
      outboxWrittenBy(quietSource.manager);
      await waitFor(async () => (received.includes('woken-by-statement') ? true : undefined), 5_000, 'the event');
      // No NOTIFY left on the table: PostgreSQL would serialize every writer's commit behind it.
      expect(
        await quietSource.query(
          `SELECT tgname FROM pg_trigger WHERE tgrelid = 'outbox_message'::regclass AND NOT tgisinternal`,
        ),
      ).toEqual([]);
    } finally {
      await slow.stop();
      await quietSource.destroy();
      await quiet.drop();
    }
  });

  it('drains once for the commits within its gathering time, however many there were', async () => {
    const [quiet, quietSource] = await anOutboxOfItsOwn('outbox-gather');
    const gathering = new OutboxRelay({
      dataSource: quietSource,
      publisher: await ConfirmPublisher.create(connection),
      logger,
      pollIntervalMs: 600_000,
      gatherMs: 3_000,
    });
    await gathering.start();
    const drains = jest.spyOn(gathering, 'trigger');
    try {
      const notes = Array.from({ length: 5 }, (_, index) => `gathered-${index}`);
      for (const note of notes) {
        await quietSource.transaction((manager) =>
          addToOutbox(
            manager,
            Exchanges.events,
            'outbox.test.v1',
            createEnvelope('outbox.test.v1', { note }, { correlationId: 'gather' }),
          ),
        );
      }
      expect(drains).not.toHaveBeenCalled();
      await waitFor(
        async () => (notes.every((note) => received.includes(note)) ? true : undefined),
        10_000,
        'the gathered events',
      );
      expect(drains).toHaveBeenCalledTimes(1);

      // A commit's rows still gathering when the relay stops leave with the stop, not at the next start.
      await quietSource.transaction((manager) =>
        addToOutbox(
          manager,
          Exchanges.events,
          'outbox.test.v1',
          createEnvelope('outbox.test.v1', { note: 'gathered-at-stop' }, { correlationId: 'gather' }),
        ),
      );
      await gathering.stop();
      await waitFor(async () => (received.includes('gathered-at-stop') ? true : undefined), 5_000, 'the event');
    } finally {
      await gathering.stop();
      await quietSource.destroy();
      await quiet.drop();
    }
  });

  /** Advisory locks held in the database of `source`, by any of its sessions. */
  const heldLocks = async (source: DataSource) =>
    (
      (await source.query(
        `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted
           AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      )) as { n: number }[]
    )[0].n;

  it('publishes every row in order when two relays of one database drain side by side, and leaves the relay lock free', async () => {
    const [shared, sharedSource] = await anOutboxOfItsOwn('outbox-two-relays');
    const relays = await Promise.all(
      [1, 2].map(
        async () =>
          new OutboxRelay({
            dataSource: sharedSource,
            publisher: await ConfirmPublisher.create(connection),
            logger,
            pollIntervalMs: 50,
            gatherMs: 1,
            batchSize: 7,
          }),
      ),
    );
    try {
      await Promise.all(relays.map((one) => one.start()));
      const notes = Array.from({ length: 120 }, (_, index) => `side-by-side-${index}`);
      for (const [index, note] of notes.entries()) {
        await sharedSource.transaction((manager) =>
          addToOutbox(
            manager,
            Exchanges.events,
            'outbox.test.v1',
            createEnvelope('outbox.test.v1', { note }, { correlationId: 'two-relays' }),
          ),
        );
        void relays[index % 2].trigger();
      }
      await waitFor(
        async () => (notes.every((note) => received.includes(note)) ? true : undefined),
        20_000,
        'every row published',
      );
      // In order of first delivery (a row may come twice: delivery is at least once).
      const firsts = received.filter((note, index) => notes.includes(note) && received.indexOf(note) === index);
      expect(firsts).toEqual(notes);
      await Promise.all(relays.map((one) => one.stop()));
      expect(await relays[0].backlog()).toBe(0);
      // Every drain let go of the lock: none is held once the relays stopped (their pooled connections still open).
      expect(await heldLocks(sharedSource)).toBe(0);
    } finally {
      await Promise.all(relays.map((one) => one.stop()));
      await sharedSource.destroy();
      await shared.drop();
    }
  });

  it('drains a batch in two statements, and lets go of the lock when the answer to its read is lost or its unlock fails', async () => {
    const [own, ownSource] = await anOutboxOfItsOwn('outbox-two-statements');
    const statements: string[] = [];
    let loseTheNextRead = false;
    let failTheNextUnlock = false;
    const createQueryRunner = ownSource.createQueryRunner.bind(ownSource);
    jest.spyOn(ownSource, 'createQueryRunner').mockImplementation((...args) => {
      const runner = createQueryRunner(...args);
      const query = runner.query.bind(runner);
      runner.query = (async (...queryArgs: Parameters<typeof query>) => {
        const [text] = queryArgs as unknown as [string | { text: string }];
        const sql = typeof text === 'string' ? text : text.text;
        statements.push(sql);
        if (failTheNextUnlock && sql === 'SELECT pg_advisory_unlock($1)') {
          failTheNextUnlock = false;
          throw new Error('the unlock failed');
        }
        const result = await query(...queryArgs);
        // The statement ran (and took the lock); its answer never reaches the relay.
        if (loseTheNextRead && sql.includes('pg_try_advisory_lock')) {
          loseTheNextRead = false;
          throw new Error('the answer was lost on the way');
        }
        return result;
      }) as typeof runner.query;
      return runner;
    });
    const ownRelay = new OutboxRelay({
      dataSource: ownSource,
      publisher: await ConfirmPublisher.create(connection),
      logger,
      pollIntervalMs: 600_000,
      gatherMs: 600_000,
    });
    const write = (note: string) =>
      ownSource.transaction((manager) =>
        addToOutbox(
          manager,
          Exchanges.events,
          'outbox.test.v1',
          createEnvelope('outbox.test.v1', { note }, { correlationId: 'two-statements' }),
        ),
      );
    try {
      await ownRelay.start();
      // The drain the start set off is over before the test counts statements.
      await ownRelay.trigger();
      for (const note of ['two-statements-1', 'two-statements-2', 'two-statements-3']) await write(note);
      statements.length = 0;
      await ownRelay.trigger();
      // (The prune at start is a DELETE of its own, not the drain's.)
      expect(statements.filter((sql) => !sql.trimStart().startsWith('DELETE'))).toEqual([
        expect.stringContaining('pg_try_advisory_lock'),
        expect.stringMatching(/UPDATE outbox_message[\s\S]*pg_advisory_unlock/),
      ]);
      await waitFor(async () => (received.includes('two-statements-3') ? true : undefined), 5_000, 'the batch');

      await write('after-a-lost-answer');
      loseTheNextRead = true;
      await ownRelay.trigger();
      expect(await heldLocks(ownSource)).toBe(0);
      expect(await ownRelay.backlog()).toBe(1);
      await ownRelay.trigger();
      await waitFor(async () => (received.includes('after-a-lost-answer') ? true : undefined), 5_000, 'the event');
      expect(await heldLocks(ownSource)).toBe(0);

      // A lost answer, then an unlock that fails: the connection is closed, and its session's lock goes with it.
      await write('after-a-failed-unlock');
      loseTheNextRead = true;
      failTheNextUnlock = true;
      await ownRelay.trigger();
      await waitFor(async () => ((await heldLocks(ownSource)) === 0 ? true : undefined), 5_000, 'the lock let go');
      await ownRelay.trigger();
      await waitFor(async () => (received.includes('after-a-failed-unlock') ? true : undefined), 5_000, 'the event');
    } finally {
      await ownRelay.stop();
      await ownSource.destroy();
      await own.drop();
    }
  });

  it('names the message it could not publish, by ids and correlation id, in the log line of a paused relay', async () => {
    await relay.stop();
    const lostBroker = await AmqpConnection.open({ url: vhost.url, name: 'outbox-lost-broker', logger });
    const publisher = await ConfirmPublisher.create(lostBroker);
    await lostBroker.close();
    const pausedLog = new RecordingLogger();
    const paused = new OutboxRelay({ dataSource, publisher, logger: pausedLog, pollIntervalMs: 60_000 });

    await writeWithEvent('while-the-broker-is-gone');
    await paused.trigger();
    await paused.stop();

    expect(pausedLog.lines).toContainEqual({
      level: 'warn',
      message: 'outbox relay paused',
      fields: expect.objectContaining({
        event: 'outbox.relay-paused',
        messageType: 'outbox.test.v1',
        correlationId: 'while-the-broker-is-gone',
        messageId: expect.any(String),
        error: expect.any(String),
      }),
    });
    expect(await paused.backlog()).toBeGreaterThan(0);
  });

  it('marks rows published with synchronous_commit off for the mark’s own transaction only', async () => {
    const [own, ownSource] = await anOutboxOfItsOwn('outbox-async-mark');
    const setting = async (runner: QueryRunner) =>
      ((await runner.query('SHOW synchronous_commit')) as { synchronous_commit: string }[])[0].synchronous_commit;
    const published = async (runner: QueryRunner, id: string) =>
      (
        (await runner.query('SELECT published_at IS NOT NULL AS published FROM outbox_message WHERE id = $1', [
          id,
        ])) as { published: boolean }[]
      )[0].published;
    try {
      for (const letGo of [false, true]) {
        await ownSource.transaction((manager) =>
          addToOutbox(
            manager,
            Exchanges.events,
            'outbox.test.v1',
            createEnvelope('outbox.test.v1', {}, { correlationId: 'mark' }),
          ),
        );
        const [{ id }] = (await ownSource.query('SELECT max(id)::text AS id FROM outbox_message')) as { id: string }[];
        const runner = ownSource.createQueryRunner();
        await runner.connect();
        try {
          // Inside a transaction, the mark's setting is seen.
          await runner.startTransaction();
          await runPrepared(runner.manager, markPublished([id], letGo));
          expect({ letGo, within: await setting(runner) }).toEqual({ letGo, within: 'off' });
          await runner.rollbackTransaction();
          // On its own, as the relay runs it: it commits, and the connection keeps its own setting after.
          const before = await setting(runner);
          await runPrepared(runner.manager, markPublished([id], letGo));
          expect({ letGo, published: await published(runner, id), after: await setting(runner) }).toEqual({
            letGo,
            published: true,
            after: before,
          });
        } finally {
          await runner.release();
        }
      }
    } finally {
      await ownSource.destroy();
      await own.drop();
    }
  });
});
