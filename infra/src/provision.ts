import { Client } from 'pg';
import { DatabaseOwners, databaseUrlOf } from '@chargeflow/contracts';

/**
 * Creates each service's role and database on the admin's server when missing, so every service
 * runs with its own credentials on a database nobody else may connect to. Idempotent. Databases
 * configured on another server are left to whoever runs that server.
 */
export async function provisionServiceDatabases(
  adminDatabaseUrl: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string[]> {
  const admin = new URL(adminDatabaseUrl);
  const client = new Client({ connectionString: adminDatabaseUrl });
  await client.connect();
  const created: string[] = [];
  try {
    for (const owner of DatabaseOwners) {
      const url = new URL(databaseUrlOf(owner, env));
      if (url.hostname !== admin.hostname || (url.port || '5432') !== (admin.port || '5432')) continue;
      const role = decodeURIComponent(url.username);
      const database = decodeURIComponent(url.pathname.slice(1));
      const roleExists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
      if (roleExists.rowCount === 0) {
        await client.query(
          `CREATE ROLE ${client.escapeIdentifier(role)} LOGIN PASSWORD ${client.escapeLiteral(decodeURIComponent(url.password))}`,
        );
      }
      const databaseExists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (databaseExists.rowCount === 0) {
        await client.query(
          `CREATE DATABASE ${client.escapeIdentifier(database)} OWNER ${client.escapeIdentifier(role)}`,
        );
        await client.query(`REVOKE ALL ON DATABASE ${client.escapeIdentifier(database)} FROM PUBLIC`);
        created.push(database);
      }
    }
  } finally {
    await client.end();
  }
  return created;
}
