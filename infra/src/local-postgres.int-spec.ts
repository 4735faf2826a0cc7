import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { REPO_ROOT } from './process';
import { hostAndPort, infraSettings } from './settings';

/** Where `infra/local/postgres.sh` keeps the server it starts when no server is configured (CI's, for one). */
const localDataDir = join(process.env.CHARGEFLOW_DATA_DIR ?? join(REPO_ROOT, '.data'), 'postgres');
const databaseUrl = infraSettings(process.env).adminDatabaseUrl;

/** Whether the database under test is that server: started by the script, and listening on the port tests use. */
function underTestIsLocal(): boolean {
  if (!existsSync(join(localDataDir, 'started-by-chargeflow'))) return false;
  const pidFile = join(localDataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return false;
  const port = Number(readFileSync(pidFile, 'utf8').split('\n')[3]);
  return port === hostAndPort(databaseUrl, 5432).port;
}

describe('the PostgreSQL server infra/local/postgres.sh starts', () => {
  (underTestIsLocal() ? it : it.skip)('times its WAL flushes, which bench:api reports per request', async () => {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ data_directory: string }>('SHOW data_directory');
      expect(realpathSync(rows[0].data_directory)).toBe(realpathSync(localDataDir));
      const { rows: timing } = await client.query<{ track_wal_io_timing: string }>('SHOW track_wal_io_timing');
      expect(timing[0].track_wal_io_timing).toBe('on');
    } finally {
      await client.end();
    }
  });
});
