import { randomBytes } from 'node:crypto';
import { infraSettings, type InfraSettings } from '@chargeflow/infra';
import { waitFor } from './wait-for';

export interface IsolatedVhost {
  /** The broker URL pointing at the new virtual host. */
  url: string;
  name: string;
  remove(): Promise<void>;
  /** Closes every client connection of the vhost from the broker's side, as a broker restart would. */
  dropConnections(): Promise<void>;
}

/**
 * A fresh RabbitMQ virtual host of the suite's own: its own exchanges and queues, nobody else's. On the
 * test run's broker, or on the one `settings` names (a node the test started itself).
 */
export async function createIsolatedVhost(
  label: string,
  settings: InfraSettings = infraSettings(process.env),
): Promise<IsolatedVhost> {
  const name = `t_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const broker = new URL(settings.rabbitmqUrl);
  const user = decodeURIComponent(broker.username || 'guest');
  await management(settings.rabbitmqManagementUrl, 'PUT', `/api/vhosts/${name}`, {});
  await management(settings.rabbitmqManagementUrl, 'PUT', `/api/permissions/${name}/${encodeURIComponent(user)}`, {
    configure: '.*',
    write: '.*',
    read: '.*',
  });
  broker.pathname = `/${name}`;
  return {
    url: broker.toString(),
    name,
    remove: async () => {
      await management(settings.rabbitmqManagementUrl, 'DELETE', `/api/vhosts/${name}`);
    },
    dropConnections: async () => {
      const connections = await waitFor(
        async () => {
          const list = (await management(settings.rabbitmqManagementUrl, 'GET', `/api/vhosts/${name}/connections`)) as {
            name: string;
          }[];
          return list.length > 0 ? list : undefined;
        },
        10_000,
        'the management API to list the connections',
        250,
      );
      for (const connection of connections) {
        await management(
          settings.rabbitmqManagementUrl,
          'DELETE',
          `/api/connections/${encodeURIComponent(connection.name)}`,
        );
      }
    },
  };
}

async function management(baseUrl: string, method: string, path: string, body?: object): Promise<unknown> {
  const base = new URL(baseUrl);
  const authorization = `Basic ${Buffer.from(`${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`).toString('base64')}`;
  base.username = '';
  base.password = '';
  const response = await fetch(new URL(path, base), {
    method,
    headers: { authorization, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok)
    throw new Error(`RabbitMQ management ${method} ${path}: ${response.status} ${await response.text()}`);
  return response.status === 200 ? response.json() : undefined;
}
