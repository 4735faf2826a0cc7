import { Client } from 'pg';

/** PostgreSQL's WAL flushes (fsyncs) so far, server-wide, and the time they took. */
export interface WalFlushes {
  count: number;
  ms: number;
  /** Whether the server times them (`track_wal_io_timing`); if not, `ms` stays 0. */
  timed: boolean;
}

/** The server's WAL flushes so far, or null where `pg_stat_wal` has no such columns (PostgreSQL 18 moved them). */
export async function walFlushes(databaseUrl: string): Promise<WalFlushes | null> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ wal_sync: string; wal_sync_time: number; timed: boolean }>(
      `SELECT wal_sync, wal_sync_time, current_setting('track_wal_io_timing') = 'on' AS timed FROM pg_stat_wal`,
    );
    return { count: Number(rows[0].wal_sync), ms: Number(rows[0].wal_sync_time), timed: rows[0].timed };
  } catch {
    return null;
  } finally {
    await client.end();
  }
}

/** Flushes per request between two readings, and their mean duration in ms (null when not timed or none). */
export function flushesPerRequest(
  before: WalFlushes,
  after: WalFlushes,
  requests: number,
): { perRequest: number; meanMs: number | null } {
  const count = after.count - before.count;
  const timed = before.timed && after.timed && count > 0;
  return { perRequest: count / requests, meanMs: timed ? (after.ms - before.ms) / count : null };
}
