import type {
  DataSource,
  EntityManager,
  EntitySubscriberInterface,
  QueryRunner,
  TransactionCommitEvent,
} from 'typeorm';
import type { Envelope } from '@chargeflow/contracts';
import type { ConfirmPublisher } from '../confirm-publisher';
import { trackOutboxBacklog } from '../messaging-metrics';
import { runPrepared, type Statement } from '../prepared-statement';
import type { StructuredLogger } from '../structured-logger';
import { OUTBOX_WRITTEN, wakeOnOutboxWrites } from './outbox';

interface OutboxRow {
  id: string;
  exchange: string;
  routing_key: string;
  envelope: Envelope;
}

export interface OutboxRelayOptions {
  dataSource: DataSource;
  publisher: ConfirmPublisher;
  logger: StructuredLogger;
  batchSize?: number;
  /**
   * Poll interval: what publishes rows another instance wrote while this one held the relay lock, the
   * safety net behind the wake-up on commit, and the retry pace while the broker is away.
   */
  pollIntervalMs?: number;
  /**
   * How long a commit's wake-up waits before it drains, so that the rows of the commits that follow
   * within it go in the same drain (each drain is two statements and a confirm round trip, whatever
   * its size up to a batch): under load, a drain per commit was more statements than the commands themselves.
   */
  gatherMs?: number;
  /** How long a published row is kept (to look into what left); unpublished rows are never removed. */
  retentionMs?: number;
  /** How often published rows older than the retention are deleted. */
  pruneIntervalMs?: number;
}

const DEFAULT_RETENTION_MS = 7 * 24 * 3_600_000;
const DEFAULT_GATHER_MS = 25;
const PRUNE_BATCH = 5_000;

/** A row the broker did not take: the paused relay's log line names its message. */
class UnpublishedRowError extends Error {
  constructor(
    readonly envelope: Envelope,
    cause: Error,
  ) {
    super(cause.message, { cause });
  }
}

/** Arbitrary constant key: one relay at a time per database publishes, which keeps the order of first deliveries. */
const RELAY_LOCK_KEY = 7_461_203;

/**
 * Publishes outbox rows in id order with publisher confirms, then marks them published. A crash
 * between confirm and update republishes the rows, as may a hand-over of the relay lock between
 * instances (see markPublished): delivery is at least once, and consumers deduplicate by message id.
 */
export class OutboxRelay {
  private forgetWakeUp: (() => void) | null = null;
  private wakeOnCommit: EntitySubscriberInterface | null = null;
  private timer: NodeJS.Timeout | null = null;
  private gathering: NodeJS.Timeout | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private pruning: Promise<number> | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private untrackBacklog: (() => void) | null = null;

  constructor(private readonly options: OutboxRelayOptions) {}

  async start(): Promise<void> {
    const { dataSource } = this.options;
    this.forgetWakeUp = wakeOnOutboxWrites(dataSource, () => this.wake());
    const wakeOnCommit: EntitySubscriberInterface = (this.wakeOnCommit = {
      afterTransactionCommit: (event: TransactionCommitEvent) => {
        if (event.queryRunner.data?.[OUTBOX_WRITTEN]) this.wake();
      },
    });
    dataSource.subscribers.push(wakeOnCommit);
    this.timer = setInterval(() => this.trigger(), this.options.pollIntervalMs ?? 1_000);
    this.untrackBacklog = trackOutboxBacklog(() => this.backlog());
    this.trigger();
    void this.prune();
    this.pruneTimer = setInterval(() => void this.prune(), this.options.pruneIntervalMs ?? 600_000);
  }

  async stop(): Promise<void> {
    // Rows a commit woke the relay for while it gathered are drained now (after the drain in progress,
    // which may have read before they committed), not left for the next start.
    if (this.gathering) {
      clearTimeout(this.gathering);
      this.gathering = null;
      await this.trigger();
    }
    this.stopped = true;
    this.untrackBacklog?.();
    if (this.timer) clearInterval(this.timer);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.forgetWakeUp?.();
    const subscribers = this.options.dataSource.subscribers;
    if (this.wakeOnCommit && subscribers.includes(this.wakeOnCommit))
      subscribers.splice(subscribers.indexOf(this.wakeOnCommit), 1);
    await Promise.all([this.running, this.pruning]);
  }

  /** Number of events waiting to be published: the backlog a metric or a health check reports. */
  async backlog(): Promise<number> {
    const [row] = await this.options.dataSource.query(
      `SELECT count(*)::int AS n FROM outbox_message WHERE published_at IS NULL`,
    );
    return row.n as number;
  }

  /**
   * Deletes the rows published longer ago than the retention (at start, then every prune interval), a
   * bounded batch per statement, oldest first, through the index on published_at; resolves how many went. Relays of other instances may prune at the same time: harmless.
   */
  prune(): Promise<number> {
    this.pruning ??= this.deletePublished()
      .catch((error: Error) => {
        this.options.logger.warn({ event: 'outbox.prune-failed', error: error.message }, 'outbox pruning failed');
        return 0;
      })
      .finally(() => (this.pruning = null));
    return this.pruning;
  }

  private async deletePublished(): Promise<number> {
    const before = new Date(Date.now() - (this.options.retentionMs ?? DEFAULT_RETENTION_MS));
    let deleted = 0;
    for (;;) {
      const [, count] = (await this.options.dataSource.query(
        `DELETE FROM outbox_message WHERE id IN (
           SELECT id FROM outbox_message WHERE published_at < $1 ORDER BY published_at LIMIT ${PRUNE_BATCH})`,
        [before],
      )) as [unknown, number];
      deleted += count;
      if (count < PRUNE_BATCH || this.stopped) break;
    }
    if (deleted > 0) {
      this.options.logger.info(
        { event: 'outbox.pruned', deleted, publishedBefore: before.toISOString() },
        'outbox: deleted published rows past their retention',
      );
    }
    return deleted;
  }

  /** A commit wrote rows: one drain for them and for those of the commits within the next `gatherMs`. */
  private wake(): void {
    if (this.gathering || this.stopped) return;
    this.gathering = setTimeout(() => {
      this.gathering = null;
      void this.trigger();
    }, this.options.gatherMs ?? DEFAULT_GATHER_MS);
  }

  /** Runs one drain now, or right after the one in progress; resolves when the outbox is empty or stuck. */
  trigger(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.drain()
      .catch((error: Error) => {
        const row =
          error instanceof UnpublishedRowError
            ? {
                messageId: error.envelope.messageId,
                messageType: error.envelope.type,
                correlationId: error.envelope.correlationId,
              }
            : {};
        this.options.logger.warn({ event: 'outbox.relay-paused', ...row, error: error.message }, 'outbox relay paused');
      })
      .finally(() => {
        this.running = null;
        if (this.again && !this.stopped) {
          this.again = false;
          void this.trigger();
        }
      });
    return this.running;
  }

  /**
   * Under a session-level advisory lock (one relay per database, which keeps events in order), each
   * statement its own transaction: no transaction stays open while the broker confirms (or blocks).
   * The statement that reads the first rows takes the lock, and the one that marks the last rows
   * published lets go of it: a drain whose rows fit one batch is two statements.
   */
  private async drain(): Promise<void> {
    const batchSize = this.options.batchSize ?? 200;
    const runner = this.options.dataSource.createQueryRunner();
    await runner.connect();
    // Held, or perhaps held, until a statement says otherwise: a read that failed may have taken it.
    let held = true;
    try {
      for (let first = true; ; first = false) {
        const rows = first
          ? await this.lockAndRead(runner.manager, batchSize)
          : await runPrepared<OutboxRow[]>(runner.manager, { text: unpublishedRows(), values: [batchSize] });
        if (rows === null) {
          held = false;
          return;
        }
        if (rows.length === 0) return;
        await Promise.all(
          rows.map((row) =>
            this.options.publisher
              .publishEnvelope(row.exchange, row.routing_key, row.envelope)
              .catch((error: Error) => Promise.reject(new UnpublishedRowError(row.envelope, error))),
          ),
        );
        const last = rows.length < batchSize || this.stopped;
        await runPrepared(
          runner.manager,
          markPublished(
            rows.map((row) => row.id),
            last,
          ),
        );
        if (last) {
          held = false;
          return;
        }
      }
    } finally {
      await this.giveBack(runner, held);
    }
  }

  /**
   * Gives the connection back to the pool, having let go of the relay lock if it may hold it. A
   * connection that could not let go is closed instead (PostgreSQL frees a session's locks with it):
   * back in the pool, it would keep every relay of the database from publishing.
   */
  private async giveBack(runner: QueryRunner, held: boolean): Promise<void> {
    if (!held) return runner.release();
    try {
      await runPrepared(runner.manager, { text: `SELECT pg_advisory_unlock($1)`, values: [RELAY_LOCK_KEY] });
      await runner.release();
    } catch (error) {
      await closeConnection(runner, error as Error);
      this.options.logger.warn(
        { event: 'outbox.relay-connection-closed', error: (error as Error).message },
        'outbox relay: closed a connection that could not let go of the relay lock',
      );
    }
  }

  /** Takes the relay lock and reads the first rows to publish, in one statement; null when another relay holds the lock. */
  private async lockAndRead(manager: EntityManager, batchSize: number): Promise<OutboxRow[] | null> {
    const rows = await runPrepared<(Partial<OutboxRow> & { locked: boolean })[]>(manager, {
      text: `WITH relay AS (SELECT pg_try_advisory_lock($2) AS locked)
        SELECT relay.locked, next.* FROM relay
        LEFT JOIN LATERAL (${unpublishedRows('relay.locked')}) AS next ON true`,
      values: [batchSize, RELAY_LOCK_KEY],
    });
    if (!rows[0]?.locked) return null;
    return rows.filter((row): row is OutboxRow & { locked: boolean } => row.id != null);
  }
}

/** The text reading the next rows to publish, oldest first, when `condition` holds. */
const unpublishedRows = (condition = 'true') => `SELECT id, exchange, routing_key, envelope FROM outbox_message
  WHERE ${condition} AND published_at IS NULL ORDER BY id LIMIT $1`;

/**
 * Marks rows published; with `letGo`, then lets go of the relay lock in the same statement. It lets go
 * just before its commit: a relay of another instance that takes the lock then may read those rows as
 * still unpublished and publish them again, which delivery at least once allows (so does a relay
 * whose read's snapshot was taken just before the lock was let go); the order of first deliveries stays.
 * The mark commits without waiting for the WAL flush (`synchronous_commit` off for its transaction):
 * a mark lost with a crash of the database only publishes its rows again, and every flush the relay
 * does not wait for is one the commands' commits do not queue behind.
 */
export function markPublished(ids: string[], letGo: boolean): Statement {
  const update = `UPDATE outbox_message SET published_at = now() WHERE id = ANY($1::bigint[])`;
  const withoutWaiting = `set_config('synchronous_commit', 'off', true)`;
  return letGo
    ? {
        text: `WITH marked AS (${update} RETURNING id)
          SELECT ${withoutWaiting}, pg_advisory_unlock($2) FROM (SELECT count(*) FROM marked) AS done`,
        values: [ids, RELAY_LOCK_KEY],
      }
    : {
        text: `WITH marked AS (${update} RETURNING id)
          SELECT ${withoutWaiting} FROM (SELECT count(*) FROM marked) AS done`,
        values: [ids],
      };
}

/**
 * Gives a connection back to pg's pool with an error, which closes it rather than keeping it: what
 * TypeORM's Postgres query runner (pinned in package.json) does with a connection that failed.
 */
async function closeConnection(runner: QueryRunner, error: Error): Promise<void> {
  const postgres = runner as unknown as { releasePostgresConnection?: (error: Error) => Promise<void> };
  if (typeof postgres.releasePostgresConnection !== 'function')
    throw new Error('TypeORM changed: its query runner cannot close a connection the way closeConnection expects');
  await postgres.releasePostgresConnection(error);
}
