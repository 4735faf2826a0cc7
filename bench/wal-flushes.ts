import { Client } from 'pg';

/** PostgreSQL's WAL flushes (fsyncs) so far, server-wide, and the time they took if the server times them. */
export interface WalFlushes {
  count: number;
  /** Milliseconds spent in them; 0 unless `track_wal_io_timing` is on. */
  ms: number;
}

export async function walFlushes(databaseUrl: string): Promise<WalFlushes> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ wal_sync: string; wal_sync_time: number }>(
      'SELECT wal_sync, wal_sync_time FROM pg_stat_wal',
    );
    return { count: Number(rows[0].wal_sync), ms: Number(rows[0].wal_sync_time) };
  } finally {
    await client.end();
  }
}

/** Flushes per request between two readings, and their mean duration (null when the server does not time them). */
export function flushesPerRequest(
  before: WalFlushes,
  after: WalFlushes,
  requests: number,
): { perRequest: number; meanMs: number | null } {
  const count = after.count - before.count;
  const ms = after.ms - before.ms;
  return { perRequest: count / Math.max(1, requests), meanMs: count > 0 && ms > 0 ? ms / count : null };
}
