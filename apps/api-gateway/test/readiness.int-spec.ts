import { BackendServices, type HealthReport } from '@chargeflow/contracts';
import { AmqpConnection, declareExchanges, declareRpcQueue } from '@chargeflow/messaging';
import { RecordingLogger, waitFor } from '@chargeflow/testing';
import { READINESS_CACHE_MS } from '../src/health/health.controller';
import { GatewayHarness } from './gateway.harness';

/** The four services' health answers, given by the test on the gateway's own virtual host, counted. */
async function answerHealthChecks(url: string, checks: { count: number }): Promise<AmqpConnection> {
  const connection = await AmqpConnection.open({ url, name: 'test-health', logger: new RecordingLogger() });
  const channel = await connection.current().createChannel();
  await declareExchanges(channel);
  for (const service of BackendServices) {
    const queue = await declareRpcQueue(connection.current(), service);
    await channel.consume(queue, (message) => {
      if (!message) return;
      checks.count += 1;
      const report: HealthReport = {
        service,
        status: 'up',
        database: 'up',
        broker: 'up',
        checkedAt: new Date().toISOString(),
      };
      channel.sendToQueue(
        message.properties.replyTo as string,
        Buffer.from(JSON.stringify({ ok: true, data: report })),
        {
          correlationId: message.properties.correlationId as string,
        },
      );
      channel.ack(message);
    });
  }
  return connection;
}

describe('GET /readyz under load', () => {
  jest.setTimeout(60_000);
  let gateway: GatewayHarness;
  let services: AmqpConnection;
  const checks = { count: 0 };

  beforeAll(async () => {
    gateway = await GatewayHarness.start('gw_readiness', {
      READINESS_RATE_PER_MINUTE: '60',
      READINESS_RATE_BURST: '5',
      GATEWAY_TRUST_PROXY: '127.0.0.1',
    });
    services = await answerHealthChecks(gateway.vhost.url, checks);
  });

  afterAll(async () => {
    await services?.close();
    await gateway?.stop();
  });

  const probe = (address: string) => gateway.request('GET', '/readyz', { headers: { 'x-forwarded-for': address } });

  it('asks each service once for many probes at once, and again only after about a second', async () => {
    const answers = await Promise.all(['198.51.100.1', '198.51.100.2', '198.51.100.3', '198.51.100.4'].map(probe));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    expect(checks.count).toBe(BackendServices.length);
    expect((await probe('198.51.100.5')).status).toBe(200);
    expect(checks.count).toBe(BackendServices.length);

    await new Promise((resolve) => setTimeout(resolve, READINESS_CACHE_MS + 100));
    expect((await probe('198.51.100.6')).status).toBe(200);
    await waitFor(async () => checks.count === 2 * BackendServices.length || undefined, 5_000, 'a second check');
  });

  it('limits the probes of one address with 429 and Retry-After, and not the next address', async () => {
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof probe>> | undefined;
    for (let attempt = 0; attempt < 10 && !limited; attempt += 1) {
      const answer = await probe('203.0.113.7');
      statuses.push(answer.status);
      if (answer.status === 429) limited = answer;
    }
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(limited?.body).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await probe('203.0.113.8')).status).toBe(200);
  });
});
