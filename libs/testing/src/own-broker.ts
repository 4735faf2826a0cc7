import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, run } from '@chargeflow/infra';
import { freePort } from './stack-environment';

export interface OwnBroker {
  /** AMQP URL of the node's default virtual host, as guest. */
  url: string;
  /** Management API base URL with guest's credentials. */
  managementUrl: string;
  mqttPort: number;
  /** rabbitmqctl against this node only. */
  ctl(...args: string[]): Promise<string>;
  /** Stops the node but keeps its ports and data folder: `startNode` brings back its durable queues. */
  stopNode(): Promise<void>;
  startNode(): Promise<void>;
  /** Stops the node and removes its data folder. */
  stop(): Promise<void>;
}

/** An AMQP port whose Erlang distribution port (port + 20000, see rabbitmq.sh) is free too. */
async function amqpPort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const port = await freePort();
    if (port + 20_000 > 65_535) continue;
    return port;
  }
  throw new Error('no free AMQP port below 45536');
}

/**
 * A RabbitMQ node of the test's own, started by infra/local/rabbitmq.sh on free ports with a data
 * folder of its own: a test may block or stop it without touching the broker everyone shares.
 */
export async function startOwnBroker(label: string): Promise<OwnBroker> {
  const [port, managementPort, mqttPort] = [await amqpPort(), await freePort(), await freePort()];
  const dataDir = mkdtempSync(join(tmpdir(), `cf-broker-${label}-`));
  // The broker runs as the rabbitmq user: it must be able to enter the folder.
  chmodSync(dataDir, 0o755);
  const url = `amqp://guest:guest@127.0.0.1:${port}`;
  const env = {
    ...process.env,
    RABBITMQ_URL: url,
    CHARGEFLOW_DATA_DIR: dataDir,
    RABBITMQ_NODENAME: `cf_${label.replace(/[^a-z0-9]/gi, '_')}_${randomBytes(3).toString('hex')}@localhost`,
    RABBITMQ_MANAGEMENT_PORT: String(managementPort),
    RABBITMQ_MQTT_PORT: String(mqttPort),
  };
  const script = join(REPO_ROOT, 'infra', 'local', 'rabbitmq.sh');
  const invoke = async (...args: string[]) => {
    const result = await run('bash', [script, ...args], { env });
    if (result.code !== 0) throw new Error(`rabbitmq.sh ${args.join(' ')} failed (${result.code}):\n${result.output}`);
    return result.output;
  };
  try {
    await invoke('start');
  } catch (error) {
    await invoke('stop').catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    managementUrl: `http://guest:guest@127.0.0.1:${managementPort}`,
    mqttPort,
    ctl: (...args) => invoke('ctl', ...args),
    stopNode: async () => void (await invoke('stop')),
    startNode: async () => void (await invoke('start')),
    stop: async () => {
      await invoke('stop');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
