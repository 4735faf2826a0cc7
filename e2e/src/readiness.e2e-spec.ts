import { readdirSync, readFileSync } from 'node:fs';
import { NICENESS, niceOf, SERVICE_ENV, Stack, StackServices } from '@chargeflow/infra';
import { createStackEnvironment, waitFor, type StackEnvironment } from '@chargeflow/testing';

interface ReadinessBody {
  status: number | string;
  code?: string;
  detail?: string;
  services: Record<string, { status: string; database?: string; broker?: string }>;
}

describe('the whole stack, started the way npm start starts it', () => {
  jest.setTimeout(180_000);
  let environment: StackEnvironment;
  let stack: Stack;

  beforeAll(async () => {
    environment = await createStackEnvironment('readiness');
    stack = await Stack.start({ env: environment.env, logDir: environment.logDir, readyTimeoutMs: 120_000 });
  });

  afterAll(async () => {
    await stack?.stop();
    await environment?.cleanup();
  });

  const readyz = async () => {
    const response = await fetch(`${stack.gatewayUrl}/readyz`);
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: (await response.json()) as ReadinessBody,
    };
  };

  it('is ready with every service up', async () => {
    const { status, body } = await readyz();
    expect(status).toBe(200);
    for (const service of ['sessions', 'telemetry', 'pricing', 'analytics', 'central-system']) {
      expect(body.services[service]).toMatchObject({ status: 'up', database: 'up', broker: 'up' });
    }
    const health = await fetch(`${stack.gatewayUrl}/healthz`);
    expect(health.status).toBe(200);
  });

  it('runs the derived work (billing, analytics) at a lower CPU priority, every thread, and each service with its environment', () => {
    for (const service of StackServices) {
      const pid = stack.processes[service].pid as number;
      // Field 19 of /proc/<pid>/task/<tid>/stat is the thread's niceness (after the command, which is in parentheses).
      const niceness = readdirSync(`/proc/${pid}/task`).map((tid) =>
        Number(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ')[16]),
      );
      expect({ service, niceness: [...new Set(niceness)] }).toEqual({
        service,
        niceness: [niceOf(NICENESS[service] ?? 0)],
      });
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      for (const [name, value] of Object.entries(SERVICE_ENV[service] ?? {})) {
        expect(environ).toContain(`${name}=${value}`);
      }
    }
    expect(Object.keys(NICENESS).sort()).toEqual(['analytics', 'pricing']);
  });

  it('names a killed service within 5 s, and is ready again once it is back', async () => {
    await stack.processes.telemetry.kill();
    const killedAt = Date.now();
    const notReady = await waitFor(
      async () => {
        const answer = await readyz();
        return answer.status === 503 ? answer : undefined;
      },
      5_000,
      'readyz to turn 503',
    );
    expect(Date.now() - killedAt).toBeLessThan(5_000);
    expect(notReady.type).toContain('application/problem+json');
    expect(notReady.body).toMatchObject({ status: 503, code: 'NOT_READY' });
    expect(notReady.body.detail).toContain('telemetry');
    expect(notReady.body.detail).not.toContain('sessions');
    expect(notReady.body.services.telemetry.status).toBe('down');

    stack.processes.telemetry.start();
    await stack.waitUntilReady(60_000);
    expect((await readyz()).status).toBe(200);
  });

  it('answers unknown routes with problem+json and the request id', async () => {
    const response = await fetch(`${stack.gatewayUrl}/nowhere`, { headers: { 'x-request-id': 'trace-me-1' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.headers.get('x-request-id')).toBe('trace-me-1');
    expect(await response.json()).toMatchObject({ status: 404, code: 'ROUTE_NOT_FOUND', requestId: 'trace-me-1' });
  });
});
