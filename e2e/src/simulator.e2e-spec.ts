import { spawn } from 'node:child_process';
import { Stack, REPO_ROOT } from '@chargeflow/infra';
import { createStackEnvironment, startOwnBroker, type OwnBroker, type StackEnvironment } from '@chargeflow/testing';

/** `npm run simulate` against a running stack, as the README's walkthrough runs it after `npm start`. */
describe('the fleet simulator', () => {
  jest.setTimeout(240_000);

  let broker: OwnBroker;
  let environment: StackEnvironment;
  let stack: Stack;

  function simulate(args: string[]): Promise<{ code: number | null; output: string }> {
    return new Promise((resolve) => {
      const child = spawn('npm', ['run', '--silent', 'simulate', '--', ...args], {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          CHARGEFLOW_ADMIN_KEY: environment.adminKey,
          GATEWAY_URL: environment.gatewayUrl,
          OCPP_URL: environment.ocppUrl,
          RABBITMQ_URL: broker.url,
          RABBITMQ_MQTT_PORT: String(broker.mqttPort),
        },
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, output });
      });
    });
  }

  beforeAll(async () => {
    broker = await startOwnBroker('simulator');
    environment = await createStackEnvironment('simulator');
    environment.env.RABBITMQ_URL = broker.url;
    environment.env.RABBITMQ_MANAGEMENT_URL = broker.managementUrl;
    stack = await Stack.start({ env: environment.env, logDir: environment.logDir, readyTimeoutMs: 170_000 });
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
    await environment?.cleanup();
    await broker?.stop();
  }, 120_000);

  it('plays a seeded fleet with duplicates and reordering, and its tally agrees with sessions, billing and analytics', async () => {
    const args = ['--vehicles', '6', '--stations', '2', '--minutes', '14', '--seed', '11', '--minute-ms', '400'];
    const first = await simulate([...args, '--duplicates', '0.2', '--reorder', '0.1']);
    expect(first.output).not.toMatch(/\| NO \|/);
    expect(first.code).toBe(0);
    const rows = first.output.split('\n').filter((line) => /^\| .* \| (yes|NO) \|$/.test(line));
    expect(rows.map((row) => row.split('|')[1].trim())).toEqual([
      'rides',
      'charges',
      'energy consumed by rides, Wh',
      'energy charged, Wh',
      'distance, m',
      'revenue incl. VAT, EUR (billing records / analytics)',
    ]);
    const charges = Number(rows[1].split('|')[2]);
    expect(charges).toBeGreaterThan(0);
    expect(first.output).toMatch(/\(\+[1-9]\d* duplicates, [1-9]\d* held back one step\)/);

    // The same seed without the network noise: the same seed-determined figures, to the digest.
    const second = await simulate(args);
    expect(second.code).toBe(0);
    const digestOf = (output: string) => /^seed-determined: ([0-9a-f]{64})$/m.exec(output)?.[1];
    expect(digestOf(first.output)).toEqual(expect.any(String));
    expect(digestOf(second.output)).toBe(digestOf(first.output));
  });

  it('refuses a bad option with its usage', async () => {
    const refused = await simulate(['--vehicles', 'many']);
    expect(refused.code).toBe(2);
    expect(refused.output).toContain('usage: npm run simulate');
  });
});
