import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { infraSettings } from './settings';

/** The PostgreSQL server `infra/local/postgres.sh` starts when no server is configured (CI's, for one). */
describe('the local PostgreSQL server', () => {
  let client: Client;
  let startedHere = false;

  beforeAll(async () => {
    client = new Client({ connectionString: infraSettings(process.env).adminDatabaseUrl });
    await client.connect();
    const { rows } = await client.query<{ data_directory: string }>('SHOW data_directory');
    startedHere = existsSync(join(rows[0].data_directory, 'started-by-chargeflow'));
  });
  afterAll(() => client.end());

  it('times its WAL flushes, which bench:api reports per request', async () => {
    if (!startedHere) {
      console.warn('the database under test was not started by infra/local/postgres.sh: its settings are not ours');
      return;
    }
    const { rows } = await client.query<{ track_wal_io_timing: string }>('SHOW track_wal_io_timing');
    expect(rows[0].track_wal_io_timing).toBe('on');
  });
});
