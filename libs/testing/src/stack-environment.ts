import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { DATABASE_URL_VARIABLES, DatabaseOwners } from '@chargeflow/contracts';
import { infraSettings, REPO_ROOT, type InfraSettings } from '@chargeflow/infra';
import { createIsolatedDatabase } from './isolated-database';
import { createIsolatedVhost, type IsolatedVhost } from './isolated-vhost';

export interface StackEnvironment {
  env: NodeJS.ProcessEnv;
  vhost: IsolatedVhost;
  logDir: string;
  gatewayUrl: string;
  /** The central-system's OCPP-J endpoint; a charge point connects to `${ocppUrl}/<chargePointId>`. */
  ocppUrl: string;
  /** The gateway's bootstrap admin key (CHARGEFLOW_ADMIN_KEY), to create the keys a test needs. */
  adminKey: string;
  cleanup(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Everything a whole stack needs for one suite alone: a database per service, a virtual host and a
 * gateway port of its own, so an end-to-end suite runs beside the others (or beside `npm start`).
 * `settings` puts them on servers of the suite's own (a broker or PostgreSQL it stops on purpose).
 */
export async function createStackEnvironment(
  label: string,
  settings: InfraSettings = infraSettings(process.env),
): Promise<StackEnvironment> {
  const [vhost, port, ocppPort, ...databases] = await Promise.all([
    createIsolatedVhost(label, settings),
    freePort(),
    freePort(),
    ...DatabaseOwners.map((owner) => createIsolatedDatabase(`${label}_${owner}`, settings.adminDatabaseUrl)),
  ]);
  const adminKey = `cf_${randomBytes(32).toString('base64url')}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    RABBITMQ_URL: vhost.url,
    RABBITMQ_MANAGEMENT_URL: settings.rabbitmqManagementUrl,
    GATEWAY_PORT: String(port),
    GATEWAY_HOST: '127.0.0.1',
    CENTRAL_SYSTEM_PORT: String(ocppPort),
    CENTRAL_SYSTEM_HOST: '127.0.0.1',
    CHARGEFLOW_ADMIN_KEY: adminKey,
  };
  DatabaseOwners.forEach((owner, index) => {
    env[DATABASE_URL_VARIABLES[owner]] = databases[index].url;
  });
  return {
    env,
    vhost,
    logDir: join(REPO_ROOT, '.data', 'e2e-logs', `${label}-${vhost.name}`),
    gatewayUrl: `http://127.0.0.1:${port}`,
    ocppUrl: `ws://127.0.0.1:${ocppPort}/ocpp`,
    adminKey,
    cleanup: async () => {
      await Promise.all([vhost.remove(), ...databases.map((database) => database.drop())]);
    },
  };
}
