import { loadGatewayConfig } from './config';

describe('gateway configuration', () => {
  it('has local defaults for the limits', () => {
    expect(loadGatewayConfig({})).toMatchObject({
      GATEWAY_BODY_LIMIT_BYTES: 1_048_576,
      RATE_LIMIT_KEY_PER_MINUTE: 1_200,
      RATE_LIMIT_KEY_BURST: 120,
      RATE_LIMIT_ADDRESS_PER_MINUTE: 120,
      RATE_LIMIT_ADDRESS_BURST: 60,
      GATEWAY_TRUST_PROXY: false,
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
    expect(loadGatewayConfig({ GATEWAY_TRUST_PROXY: 'true' }).GATEWAY_TRUST_PROXY).toBe(true);
    expect(() => loadGatewayConfig({ GATEWAY_TRUST_PROXY: 'yes' })).toThrow(/^GATEWAY_TRUST_PROXY /);
    expect(() => loadGatewayConfig({ RATE_LIMIT_KEY_PER_MINUTE: '0' })).toThrow(/^RATE_LIMIT_KEY_PER_MINUTE /);
  });
});
