import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, run } from '@chargeflow/infra';
import { waitFor } from './wait-for';

export interface ClusterNode {
  /** The Erlang node name, e.g. `cf_faults_1a2b3c_2@localhost`. */
  name: string;
  /** AMQP URL of the node's default virtual host, as guest. */
  url: string;
  /** Management API base URL with guest's credentials. */
  managementUrl: string;
  mqttPort: number;
}

export interface OwnCluster {
  nodes: ClusterNode[];
  /** A quorum queue's leader and members (node indexes), by the management API of node `askNode`. */
  quorumOf(vhost: string, queue: string, askNode?: number): Promise<{ leader: number; members: number[] }>;
  /** Kills a node's Erlang VM with SIGKILL, as a crash would, and waits until its AMQP port is closed. */
  kill(node: number): Promise<void>;
  /**
   * Removes a dead node from the cluster (`forget_cluster_node`, asked of `askNode`), and so from every
   * quorum queue's members: a queue, or a virtual host, with a member down is slow to delete.
   */
  forget(node: number, askNode: number): Promise<void>;
  /** Stops every node still running and removes their data folders. */
  stop(): Promise<void>;
}

function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(true));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(false)));
  });
}

/** The lowest port the kernel hands out to outgoing connections (net.ipv4.ip_local_port_range). */
function ephemeralPortsFrom(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32_768;
  } catch {
    return 32_768;
  }
}

/**
 * The first of `count` consecutive free ports (and, with `distribution`, their + 20000 too: see
 * rabbitmq.sh), all below the ephemeral range: the nodes start one after another, and a port the kernel
 * may give an outgoing connection meanwhile (the first nodes' own, joining) could be taken by the time
 * a later node listens on it (its MQTT listener once failed so, EADDRINUSE).
 */
async function freePortRun(count: number, distribution = false, avoiding: number[] = []): Promise<number> {
  const lowest = 10_000;
  const highest = ephemeralPortsFrom() - count - (distribution ? 20_000 : 0);
  if (highest < lowest) throw new Error(`no room for ${count} ports below the ephemeral range`);
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const first = lowest + Math.floor(Math.random() * (highest - lowest + 1));
    const ports = Array.from({ length: count }, (_, index) => first + index);
    const wanted = distribution ? [...ports, ...ports.map((port) => port + 20_000)] : ports;
    if (wanted.some((port) => avoiding.includes(port))) continue;
    const taken = await Promise.all(wanted.map(portTaken));
    if (!taken.some(Boolean)) return first;
  }
  throw new Error(`no run of ${count} free ports`);
}

async function management(node: ClusterNode, path: string): Promise<unknown> {
  const base = new URL(node.managementUrl);
  const authorization = `Basic ${Buffer.from(`${base.username}:${base.password}`).toString('base64')}`;
  base.username = '';
  base.password = '';
  const response = await fetch(new URL(path, base), {
    headers: { authorization },
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`management ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/**
 * A RabbitMQ cluster of the test's own on loopback, started by `infra/local/rabbitmq.sh start --nodes N`
 * (the script `npm run infra:up -- --rabbitmq-nodes N` runs) on free ports and a data folder of its own:
 * the cluster is whole when this resolves, and a test may kill its nodes without touching anyone else's.
 */
export async function startOwnCluster(label: string, size = 3): Promise<OwnCluster> {
  // Nothing listens on them until the nodes start: each run keeps clear of the ones chosen before it.
  const amqp = await freePortRun(size, true);
  const chosen = (first: number) => Array.from({ length: size }, (_, index) => first + index);
  const managementPort = await freePortRun(size, false, chosen(amqp));
  const mqtt = await freePortRun(size, false, [...chosen(amqp), ...chosen(managementPort)]);
  const dataDir = mkdtempSync(join(tmpdir(), `cf-cluster-${label}-`));
  // The broker runs as the rabbitmq user: it must be able to enter the folder.
  chmodSync(dataDir, 0o755);
  const base = `cf_${label.replace(/[^a-z0-9]/gi, '_')}_${randomBytes(3).toString('hex')}`;
  const env = {
    ...process.env,
    RABBITMQ_URL: `amqp://guest:guest@127.0.0.1:${amqp}`,
    CHARGEFLOW_DATA_DIR: dataDir,
    RABBITMQ_NODENAME: `${base}@localhost`,
    RABBITMQ_MANAGEMENT_PORT: String(managementPort),
    RABBITMQ_MQTT_PORT: String(mqtt),
  };
  // Names, ports and folders as rabbitmq.sh gives node i of a cluster.
  const nodes: ClusterNode[] = Array.from({ length: size }, (_, index) => ({
    name: index === 0 ? `${base}@localhost` : `${base}_${index + 1}@localhost`,
    url: `amqp://guest:guest@127.0.0.1:${amqp + index}`,
    managementUrl: `http://guest:guest@127.0.0.1:${managementPort + index}`,
    mqttPort: mqtt + index,
  }));
  const pidFile = (index: number) => join(dataDir, index === 0 ? 'rabbitmq' : `rabbitmq-${index + 1}`, 'rabbitmq.pid');
  const script = join(REPO_ROOT, 'infra', 'local', 'rabbitmq.sh');
  const invoke = async (...args: string[]) => {
    const result = await run('bash', [script, ...args], { env });
    if (result.code !== 0) throw new Error(`rabbitmq.sh ${args.join(' ')} failed (${result.code}):\n${result.output}`);
    return result.output;
  };
  const stop = async () => {
    try {
      await invoke('stop');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
  try {
    await invoke('start', '--nodes', String(size));
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  return {
    nodes,
    quorumOf: async (vhost, queue, askNode = 0) => {
      const info = (await management(
        nodes[askNode],
        `/api/queues/${encodeURIComponent(vhost)}/${encodeURIComponent(queue)}`,
      )) as { leader?: string; members?: string[] };
      const indexOf = (name?: string) => nodes.findIndex((node) => node.name === name);
      const leader = indexOf(info.leader);
      if (leader < 0) throw new Error(`${queue} has no leader among the cluster's nodes (${info.leader})`);
      return { leader, members: (info.members ?? []).map(indexOf).sort() };
    },
    kill: async (index) => {
      process.kill(Number(readFileSync(pidFile(index), 'utf8').trim()), 'SIGKILL');
      const { port } = new URL(nodes[index].url);
      await waitFor(async () => ((await portTaken(Number(port))) ? undefined : true), 30_000, `node ${index + 1} gone`);
    },
    forget: async (index, askNode) => {
      await invoke('ctl', '-n', nodes[askNode].name, 'forget_cluster_node', nodes[index].name);
    },
    stop,
  };
}
