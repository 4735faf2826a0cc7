import { randomUUID } from 'node:crypto';
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { Exchanges, TELEMETRY_ROUTING } from '@chargeflow/contracts';
import { infraSettings, type InfraSettings } from '@chargeflow/infra';
import { deadLetterQueueOf, FactQueues } from '@chargeflow/messaging';
import type { OwnBroker, OwnCluster, OwnPostgres, PublishedSample } from '@chargeflow/testing';
import type { FaultRun, StreamMessage } from './fault-run';

/** Servers of a fault case's own (a broker or PostgreSQL it stops on purpose), started before its stack. */
export interface FaultServers {
  settings: InfraSettings;
  /** Added to the services' environment, given the case's virtual host. */
  env?(vhost: string): NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/** A case's servers, and the AMQP URLs of the case's virtual host on each broker node once the stack has one. */
export interface CaseServers extends FaultServers {
  vhostUrls(): string[];
}

function caseServers(
  settings: InfraSettings,
  brokerUrls: string[],
  stop: () => Promise<void>,
  env: (urls: string[]) => NodeJS.ProcessEnv = () => ({}),
): CaseServers {
  let vhost: string | null = null;
  const vhostUrls = () => (vhost ? brokerUrls.map((url) => inVhost(url, vhost as string)) : []);
  return {
    settings,
    env: (name) => {
      vhost = name;
      return env(vhostUrls());
    },
    vhostUrls,
    stop,
  };
}

/** The case's own broker node, with the run's PostgreSQL. */
export function onOwnBroker(broker: OwnBroker): CaseServers {
  const settings = {
    ...infraSettings(process.env),
    rabbitmqUrl: broker.url,
    rabbitmqManagementUrl: broker.managementUrl,
  };
  return caseServers(settings, [broker.url], () => broker.stop());
}

/** The case's own PostgreSQL server holding every service's database, with the run's broker. */
export function onOwnPostgres(postgres: OwnPostgres): CaseServers {
  const settings = { ...infraSettings(process.env), adminDatabaseUrl: postgres.adminUrl };
  return caseServers(settings, [settings.rabbitmqUrl], () => postgres.remove());
}

/** The case's own cluster, with the run's PostgreSQL: services get every node in `RABBITMQ_URLS`, the checker `checkerNode`. */
export function onOwnCluster(cluster: OwnCluster, checkerNode: number): CaseServers {
  const node = cluster.nodes[checkerNode];
  const settings = { ...infraSettings(process.env), rabbitmqUrl: node.url, rabbitmqManagementUrl: node.managementUrl };
  return caseServers(
    settings,
    cluster.nodes.map((each) => each.url),
    () => cluster.stop(),
    (urls) => ({ RABBITMQ_URLS: urls.join(',') }),
  );
}

export function inVhost(url: string, vhost: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${vhost}`;
  return parsed.toString();
}

interface Publisher {
  model: ChannelModel;
  channel: ConfirmChannel;
  open: boolean;
}

/**
 * Makes the run's publishers live through a broker outage, as a device's would: a publisher whose
 * connection dropped connects again, to the next of `urls` in turn, and carries on with the next
 * message. A publish whose confirm never came stays indeterminate in the history.
 */
export function publishThroughOutages(run: FaultRun, urls: string[], reconnectWithinMs = 300_000): void {
  run.stream = async (messages: StreamMessage[], publishers: number, between?: (index: number) => Promise<void>) => {
    const slots: (Publisher | null)[] = Array.from({ length: publishers }, () => null);
    let next = 0;
    const open = async (): Promise<Publisher> => {
      const giveUpAt = Date.now() + reconnectWithinMs;
      for (let attempt = 0; ; attempt += 1) {
        const url = urls[next++ % urls.length];
        try {
          const model = await connect(url);
          const publisher: Publisher = { model, channel: await model.createConfirmChannel(), open: true };
          model.on('error', () => undefined);
          publisher.channel.on('error', () => undefined);
          model.on('close', () => void (publisher.open = false));
          publisher.channel.on('close', () => void (publisher.open = false));
          return publisher;
        } catch (error) {
          if (Date.now() > giveUpAt) throw new Error(`no broker took a publisher in ${reconnectWithinMs} ms: ${error}`);
          await new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** attempt, 2_000)));
        }
      }
    };
    const pending: Promise<void>[] = [];
    try {
      for (const [index, message] of messages.entries()) {
        const slot = index % publishers;
        if (!slots[slot]?.open) {
          await slots[slot]?.model.close().catch(() => undefined);
          slots[slot] = await open();
        }
        const { channel } = slots[slot] as Publisher;
        const messageId = randomUUID();
        const record: PublishedSample = {
          messageId,
          telemetryId: message.telemetryId ?? `unreadable:${messageId}`,
          sessionId: run.rides[message.ride].id,
          energyWh: message.energyWh,
          outcome: 'indeterminate',
        };
        run.history.push(record);
        pending.push(
          new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 30_000);
            try {
              channel.publish(
                Exchanges.telemetry,
                TELEMETRY_ROUTING.vehicleSample(run.rides[message.ride].vehicleId),
                message.body,
                { persistent: true, contentType: 'application/json', messageId },
                (error) => {
                  clearTimeout(timer);
                  if (!error) record.outcome = 'confirmed';
                  resolve();
                },
              );
            } catch {
              // The channel closed between the check and the publish: the message may or may not have left.
              clearTimeout(timer);
              resolve();
            }
          }),
        );
        if (index % 500 === 499) await Promise.all(pending.splice(0));
        if (between) await between(index);
      }
      await Promise.all(pending);
    } finally {
      await Promise.all(slots.map((publisher) => publisher?.model.close().catch(() => undefined)));
    }
  };
}

/** Messages dead-lettered from each fact queue of the virtual host at `url`: a service that gave up on one. */
export async function deadLettered(url: string): Promise<Record<string, number>> {
  const model = await connect(url);
  try {
    const channel = await model.createChannel();
    const counts: Record<string, number> = {};
    for (const queue of Object.values(FactQueues))
      counts[queue.name] = (await channel.checkQueue(deadLetterQueueOf(queue.name))).messageCount;
    return counts;
  } finally {
    await model.close().catch(() => undefined);
  }
}
