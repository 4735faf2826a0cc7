import { loadGatewayConfig, trustedProxiesOf } from './config';

describe('gateway configuration', () => {
  it('has local defaults for the limits', () => {
    expect(loadGatewayConfig({})).toMatchObject({
      GATEWAY_BODY_LIMIT_BYTES: 1_048_576,
      RATE_LIMIT_KEY_PER_MINUTE: 1_200,
      RATE_LIMIT_KEY_BURST: 120,
      RATE_LIMIT_ADDRESS_PER_MINUTE: 120,
      RATE_LIMIT_ADDRESS_BURST: 60,
      GATEWAY_TRUST_PROXY: 'false',
      CHARGEFLOW_ADMIN_KEY: '',
    });
  });

  it('refuses a weak bootstrap key without repeating it', () => {
    expect(() => loadGatewayConfig({ CHARGEFLOW_ADMIN_KEY: 'hunter2-hunter2' })).toThrow(
      /^CHARGEFLOW_ADMIN_KEY .*value not shown/,
    );
    expect(() => loadGatewayConfig({ CHARGEFLOW_ADMIN_KEY: 'hunter2-hunter2' })).not.toThrow(/hunter2/);
    expect(loadGatewayConfig({ CHARGEFLOW_ADMIN_KEY: `cf_${'k'.repeat(40)}` }).CHARGEFLOW_ADMIN_KEY).toHaveLength(43);
  });

  it('reads flags and numbers strictly', () => {
    expect(() => loadGatewayConfig({ RATE_LIMIT_KEY_PER_MINUTE: '0' })).toThrow(/^RATE_LIMIT_KEY_PER_MINUTE /);
  });

  it('trusts X-Forwarded-For only as far as a hop count or a list of proxies says, never every hop', () => {
    expect(trustedProxiesOf('false')).toBe(false);
    expect(trustedProxiesOf('2')).toBe(2);
    expect(trustedProxiesOf('10.0.0.1, 192.168.0.0/16,fd00::/8')).toEqual(['10.0.0.1', '192.168.0.0/16', 'fd00::/8']);
    for (const loose of ['true', 'yes', '0', '11', '1e1', '10.0.0.0/33', '10.0.0.1/8/8', 'proxy.local', '10.0.0.1,'])
      expect(() => loadGatewayConfig({ GATEWAY_TRUST_PROXY: loose })).toThrow(/^GATEWAY_TRUST_PROXY[ =]/);
  });

  it("refuses GATEWAY_TRUST_PROXY=true saying what to set instead: a hop count or the proxies' addresses", () => {
    expect(() => loadGatewayConfig({ GATEWAY_TRUST_PROXY: 'true' })).toThrow(
      /^GATEWAY_TRUST_PROXY=true is no longer accepted: .*Set GATEWAY_TRUST_PROXY to the number of proxies in front of the gateway \(e\.g\. GATEWAY_TRUST_PROXY=1 .*or to their addresses \(e\.g\. GATEWAY_TRUST_PROXY=10\.0\.0\.5,10\.0\.1\.0\/24\), or to false/,
    );
  });
});
