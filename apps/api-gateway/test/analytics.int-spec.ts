import { randomUUID } from 'node:crypto';
import { GatewayHarness, type GatewayResponse } from './gateway.harness';

const NOVEMBER = 'from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z';
const ID = randomUUID();

/** Every analytics route with a request it accepts, so what answers is the analytics service. */
const READS = [
  `/v1/analytics/summary?${NOVEMBER}&groupBy=station&limit=10`,
  `/v1/analytics/timeseries?${NOVEMBER}&metric=revenueInclVat&window=DAY&tz=Europe/Berlin&currency=EUR`,
  `/v1/vehicles/${ID}/analytics?${NOVEMBER}`,
  `/v1/stations/${ID}/analytics?${NOVEMBER}&kind=CHARGING`,
  `/v1/riders/${ID}/analytics?${NOVEMBER}`,
  `/v1/analytics/explain?${NOVEMBER}&metric=energyChargedWh&vehicleId=${ID}`,
  `/v1/analytics/sessions?${NOVEMBER}&limit=100`,
  '/v1/analytics/status',
];

type Problem = { code: string; service?: string; errors?: { field: string }[] };

/**
 * The gateway's part of analytics with no analytics service behind it, as the other gateway suites run:
 * who may call, what is refused before any call, and how an export that cannot start answers.
 */
describe('gateway analytics routes', () => {
  jest.setTimeout(120_000);
  let gateway: GatewayHarness;
  const keys: Record<'analyst' | 'operator' | 'device', string> = { analyst: '', operator: '', device: '' };

  beforeAll(async () => {
    gateway = await GatewayHarness.start('gw_analytics');
    keys.analyst = (await gateway.createKey('analyst')).key;
    keys.operator = (await gateway.createKey('operator')).key;
    keys.device = (await gateway.createKey('device', { vehicleId: ID })).key;
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  const get = (path: string, key: string, headers: Record<string, string> = {}) =>
    gateway.request<Problem>('GET', path, { key, headers });

  /** Let through to the analytics service, which is not running here: 503 naming it. */
  const expectReachedAnalytics = (answer: GatewayResponse<Problem>) =>
    expect({ status: answer.status, code: answer.body.code, service: answer.body.service }).toEqual({
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      service: 'analytics',
    });

  it('lets analysts, operators and admins read, and refuses devices', async () => {
    for (const key of [keys.analyst, keys.operator, gateway.adminKey]) {
      const answers = await Promise.all(READS.map((path) => get(path, key)));
      answers.forEach(expectReachedAnalytics);
    }
    const refused = await Promise.all(READS.map((path) => get(path, keys.device)));
    for (const answer of refused) expect(answer).toMatchObject({ status: 403, body: { code: 'ROLE_NOT_ALLOWED' } });
  });

  it('lets only admins rebuild, and admins and operators verify', async () => {
    const post = (path: string, key: string) => gateway.request<Problem>('POST', path, { key });
    expectReachedAnalytics(await post('/v1/analytics/rebuild', gateway.adminKey));
    for (const key of [keys.operator, keys.analyst, keys.device])
      expect(await post('/v1/analytics/rebuild', key)).toMatchObject({
        status: 403,
        body: { code: 'ROLE_NOT_ALLOWED' },
      });
    const get = (path: string, key: string) => gateway.request<Problem>('GET', path, { key });
    const run = `/v1/analytics/verify/${randomUUID()}`;
    expectReachedAnalytics(await post('/v1/analytics/verify', gateway.adminKey));
    expectReachedAnalytics(await post('/v1/analytics/verify', keys.operator));
    expectReachedAnalytics(await get(run, keys.operator));
    for (const key of [keys.analyst, keys.device]) {
      expect(await post('/v1/analytics/verify', key)).toMatchObject({
        status: 403,
        body: { code: 'ROLE_NOT_ALLOWED' },
      });
      expect(await get(run, key)).toMatchObject({ status: 403, body: { code: 'ROLE_NOT_ALLOWED' } });
    }
  });

  it('refuses unknown and invalid parameters with a 400 naming each, before asking the service', async () => {
    const refusals: [string, string[]][] = [
      [`/v1/analytics/summary?${NOVEMBER}&surprise=1`, ['surprise']],
      [`/v1/analytics/summary?${NOVEMBER}&groupBy=day`, ['groupBy']],
      [`/v1/analytics/summary?${NOVEMBER}&limit=1001`, ['limit']],
      ['/v1/analytics/summary?to=2026-12-01T00:00:00Z', ['from']],
      [`/v1/analytics/summary?${NOVEMBER}&vehicleId=bike-7`, ['vehicleId']],
      [`/v1/analytics/timeseries?${NOVEMBER}&metric=speed&window=YEAR`, ['metric', 'window']],
      [`/v1/analytics/timeseries?${NOVEMBER}&metric=vat&window=DAY&currency=euro`, ['currency']],
      [`/v1/analytics/explain?${NOVEMBER}`, ['metric']],
      [`/v1/vehicles/${ID}/analytics?${NOVEMBER}&vehicleId=${ID}`, ['vehicleId']],
      [`/v1/stations/not-a-uuid/analytics?${NOVEMBER}`, ['id']],
      [`/v1/riders/${ID}/analytics?${NOVEMBER}&kind=BOAT`, ['kind']],
      [`/v1/analytics/sessions?from=yesterday&to=2026-12-01T00:00:00Z`, ['from']],
    ];
    const answers = await Promise.all(refusals.map(([path]) => get(path, keys.analyst)));
    answers.forEach((answer, index) => {
      const [path, fields] = refusals[index];
      expect({ path, status: answer.status, code: answer.body.code }).toEqual({
        path,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
      expect({ path, fields: answer.body.errors?.map((error) => error.field).sort() }).toEqual({ path, fields });
    });
  });

  it('answers an export whose first page cannot be read with a problem, not a stream', async () => {
    for (const accept of ['text/csv', 'application/x-ndjson']) {
      const answer = await get(`/v1/analytics/sessions?${NOVEMBER}`, keys.analyst, { accept });
      expectReachedAnalytics(answer);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
    }
  });
});
