import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { infraSettings } from '@chargeflow/infra';

export interface IsolatedDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * A fresh database of the suite's own on the test server (or the one `adminUrl` names), so suites can
 * run in parallel.
 */
export async function createIsolatedDatabase(
  label: string,
  adminUrl: string = infraSettings(process.env).adminDatabaseUrl,
): Promise<IsolatedDatabase> {
  const name = `t_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      await withAdmin(adminUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`),
      );
    },
  };
}

async function withAdmin<T>(adminUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
