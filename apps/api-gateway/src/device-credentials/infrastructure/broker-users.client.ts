import { Inject, Injectable } from '@nestjs/common';
import { Exchanges } from '@chargeflow/contracts';
import { BrokerUnavailableError } from '@chargeflow/messaging';
import { GatewayConfig } from '../../config';

/** What one device may do on the broker: write its own routing key on the telemetry exchange, nothing else. */
export interface DeviceGrant {
  username: string;
  password: string;
  /** The only routing key the device may publish with, e.g. `sample.<vehicleId>`. */
  routingKey: string;
}

const MANAGEMENT_TIMEOUT_MS = 10_000;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Broker users of devices, through RabbitMQ's management HTTP API, in the virtual host of RABBITMQ_URL. */
@Injectable()
export class BrokerUsersClient {
  private readonly base: URL;
  private readonly authorization: string;
  private readonly vhost: string;

  constructor(@Inject(GatewayConfig) config: GatewayConfig) {
    const broker = new URL(config.RABBITMQ_URL);
    const base = new URL(
      config.RABBITMQ_MANAGEMENT_URL ||
        `http://${broker.username || 'guest'}:${broker.password || 'guest'}@${broker.hostname}:15672`,
    );
    this.authorization = `Basic ${Buffer.from(`${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`).toString('base64')}`;
    base.username = '';
    base.password = '';
    this.base = base;
    this.vhost = broker.pathname.length > 1 ? decodeURIComponent(broker.pathname.slice(1)) : '/';
  }

  /**
   * The name a device gives over MQTT: RabbitMQ's MQTT plugin takes the virtual host from the part
   * before ':' (else from its own `mqtt.vhost`, `/` by default), so the device lands in the virtual
   * host it was granted in, whatever the plugin's configuration.
   */
  mqttUsernameOf(username: string): string {
    return `${this.vhost}:${username}`;
  }

  /**
   * Creates (or resets) the user: configure nothing, read nothing, write only the telemetry exchange
   * (so never the default exchange), and on it only the device's own routing key.
   */
  async grant(device: DeviceGrant): Promise<void> {
    const user = encodeURIComponent(device.username);
    const vhost = encodeURIComponent(this.vhost);
    await this.call('PUT', `/api/users/${user}`, { password: device.password, tags: '' });
    await this.call('PUT', `/api/permissions/${vhost}/${user}`, {
      configure: '^$',
      write: `^${escapeRegExp(Exchanges.telemetry)}$`,
      read: '^$',
    });
    await this.call('PUT', `/api/topic-permissions/${vhost}/${user}`, {
      exchange: Exchanges.telemetry,
      write: `^${escapeRegExp(device.routingKey)}$`,
      read: '^$',
    });
  }

  /** Deletes the user (gone already is fine) and closes every connection it still has open. */
  async revoke(username: string): Promise<void> {
    await this.call('DELETE', `/api/users/${encodeURIComponent(username)}`, undefined, [404]);
    const connections = (await this.call('GET', '/api/connections?columns=name,user')) as {
      name: string;
      user: string;
    }[];
    for (const connection of connections.filter((candidate) => candidate.user === username)) {
      await this.call('DELETE', `/api/connections/${encodeURIComponent(connection.name)}`, undefined, [404]);
    }
  }

  private async call(method: string, path: string, body?: object, tolerated: number[] = []): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(new URL(path, this.base), {
        method,
        headers: {
          authorization: this.authorization,
          'content-type': 'application/json',
          'x-reason': 'device credential revoked',
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(MANAGEMENT_TIMEOUT_MS),
      });
    } catch (error) {
      throw new BrokerUnavailableError(`management API ${method} ${path}: ${(error as Error).message}`);
    }
    if (!response.ok && !tolerated.includes(response.status)) {
      throw new BrokerUnavailableError(`management API ${method} ${path} answered ${response.status}`);
    }
    return response.status === 200 ? response.json() : undefined;
  }
}
