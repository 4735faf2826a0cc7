import { DOCS_CONTENT_SECURITY_POLICY, API_CONTENT_SECURITY_POLICY } from '../src/security-headers';
import { GatewayHarness } from './gateway.harness';

const LIMITS = { RATE_LIMIT_ADDRESS_PER_MINUTE: '6', RATE_LIMIT_ADDRESS_BURST: '3' };

/** Statuses of unauthenticated calls, each with its own X-Forwarded-For. */
async function statusesWith(gateway: GatewayHarness, forwardedFor: string[]): Promise<number[]> {
  const statuses: number[] = [];
  for (const header of forwardedFor)
    statuses.push((await gateway.request('GET', '/v1/api-keys', { headers: { 'x-forwarded-for': header } })).status);
  return statuses;
}

describe('the gateway at the edge: proxies it trusts, headers it sends', () => {
  jest.setTimeout(90_000);
  let behindNoProxy: GatewayHarness;
  let behindOneProxy: GatewayHarness;

  beforeAll(async () => {
    [behindNoProxy, behindOneProxy] = await Promise.all([
      GatewayHarness.start('gw_edge_list', { ...LIMITS, GATEWAY_TRUST_PROXY: '10.0.0.0/8, 192.0.2.1' }),
      GatewayHarness.start('gw_edge_hops', { ...LIMITS, GATEWAY_TRUST_PROXY: '1' }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([behindNoProxy?.stop(), behindOneProxy?.stop()]);
  });

  it('counts a peer that is not a trusted proxy by its own address, whatever X-Forwarded-For it forges', async () => {
    const forged = ['198.51.100.1', '198.51.100.2', '198.51.100.3', '198.51.100.4', '10.1.2.3'];
    expect(await statusesWith(behindNoProxy, forged)).toEqual([401, 401, 401, 429, 429]);
  });

  it('behind one proxy, believes only the hop that proxy added, not what the client wrote before it', async () => {
    const forgedFirstHops = ['203.0.113.1, 198.51.100.7', '203.0.113.2, 198.51.100.7', '203.0.113.3, 198.51.100.7'];
    expect(await statusesWith(behindOneProxy, [...forgedFirstHops, '203.0.113.4, 198.51.100.7'])).toEqual([
      401, 401, 401, 429,
    ]);
    expect(await statusesWith(behindOneProxy, ['198.51.100.8'])).toEqual([401]);
  });

  it('sends the usual security headers, and no-store on every answer to a request with a key', async () => {
    const listed = await behindOneProxy.request('GET', '/v1/api-keys', { key: behindOneProxy.adminKey });
    expect(listed.status).toBe(200);
    const refused = await behindOneProxy.request('GET', '/v1/api-keys', { key: 'cf_not-a-key' });
    for (const answer of [listed, refused]) {
      expect(
        Object.fromEntries(
          [
            'x-content-type-options',
            'referrer-policy',
            'x-frame-options',
            'content-security-policy',
            'cache-control',
          ].map((name) => [name, answer.headers.get(name)]),
        ),
      ).toEqual({
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'x-frame-options': 'DENY',
        'content-security-policy': API_CONTENT_SECURITY_POLICY,
        'cache-control': 'no-store',
      });
    }
    const health = await behindNoProxy.request('GET', '/healthz');
    expect(health.headers.get('x-content-type-options')).toBe('nosniff');
    expect(health.headers.get('cache-control')).not.toBe('no-store');
  });

  it('serves the docs page under a strict policy: scripts from the gateway only, never framed, no key kept in the browser', async () => {
    const page = await fetch(`${behindNoProxy.url}/docs`);
    const html = await page.text();
    expect(page.headers.get('content-security-policy')).toBe(DOCS_CONTENT_SECURITY_POLICY);
    expect(DOCS_CONTENT_SECURITY_POLICY).toMatch(/script-src 'self'(;|$)/);
    expect(DOCS_CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(html).not.toMatch(/<script>(?!\s*<\/script>)/);
    const init = await (await fetch(`${behindNoProxy.url}/docs/swagger-ui-init.js`)).text();
    expect(init).toMatch(/"persistAuthorization":\s*false/);
    expect(init).not.toContain('localStorage');
  });
});
