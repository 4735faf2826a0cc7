import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { REPO_ROOT } from './process';
import { infraSettings } from './settings';

/** Where `infra/local/postgres.sh` keeps the server it starts when no server is configured (CI's, for one). */
const localDataDir = join(process.env.CHARGEFLOW_DATA_DIR ?? join(REPO_ROOT, '.data'), 'postgres');
const startedLocally = existsSync(join(localDataDir, 'started-by-chargeflow'));

describe('the PostgreSQL server infra/local/postgres.sh starts', () => {
  (startedLocally ? it : it.skip)('times its WAL flushes, which bench:api reports per request', async () => {
    const client = new Client({ connectionString: infraSettings(process.env).adminDatabaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ data_directory: string }>('SHOW data_directory');
      expect(rows[0].data_directory).toBe(localDataDir);
      const { rows: timing } = await client.query<{ track_wal_io_timing: string }>('SHOW track_wal_io_timing');
      expect(timing[0].track_wal_io_timing).toBe('on');
    } finally {
      await client.end();
    }
  });
});
