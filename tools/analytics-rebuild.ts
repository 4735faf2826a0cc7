import { randomUUID } from 'node:crypto';
import {
  AnalyticsRpc,
  DEFAULT_RABBITMQ_URL,
  type AnalyticsRebuildProgress,
  type AnalyticsStatus,
  type RpcReply,
} from '@chargeflow/contracts';
import { AmqpConnection, RpcClient } from '@chargeflow/messaging';

const POLL_MS = 1_000;
const TIMEOUT_MS = 10_000;

/** `npm run analytics:rebuild`: starts a rebuild of the analytics projection and prints its progress until it is live. */
async function main(): Promise<number> {
  const correlationId = `analytics-rebuild-cli-${randomUUID()}`;
  const connection = await AmqpConnection.open({
    url: process.env.RABBITMQ_URL || DEFAULT_RABBITMQ_URL,
    name: 'chargeflow-analytics-rebuild',
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  const rpc = await RpcClient.create(connection);
  const ask = <T>(pattern: string): Promise<RpcReply<T>> =>
    rpc.request<T>('analytics', pattern, {}, { correlationId, timeoutMs: TIMEOUT_MS });
  try {
    const started = await ask<AnalyticsRebuildProgress>(AnalyticsRpc.rebuild);
    if (!started.ok && started.error.code !== 'ANALYTICS_REBUILD_IN_PROGRESS') {
      console.error(`analytics:rebuild: ${started.error.code}: ${started.error.message}`);
      return 1;
    }
    console.log(started.ok ? 'analytics:rebuild: started' : 'analytics:rebuild: one is already running; following it');
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      const status = await ask<AnalyticsStatus>(AnalyticsRpc.status);
      if (!status.ok) {
        console.error(`analytics:rebuild: ${status.error.code}: ${status.error.message}`);
        return 1;
      }
      const { rebuild } = status.data;
      console.log(
        `analytics:rebuild: ${rebuild.state} sessions read ${rebuild.sessionsRead}, billing records read ${rebuild.billingRecordsRead}`,
      );
      if (rebuild.state === 'IDLE') {
        const finished = rebuild.finishedAt !== null; // a failed rebuild leaves it null
        console.log(
          finished
            ? `analytics:rebuild: live since ${rebuild.finishedAt}, ${status.data.sessions} sessions`
            : 'analytics:rebuild: the rebuild failed; see the analytics service log',
        );
        return finished ? 0 : 1;
      }
    }
  } finally {
    rpc.close();
    await connection.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`analytics:rebuild: ${(error as Error).message}`);
    process.exit(1);
  },
);
