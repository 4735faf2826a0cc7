import { instanceCountOf, ServiceProcess } from './stack';

describe('instances of a service in a stack', () => {
  it('runs one of each unless told, and as many of a consuming service as asked', () => {
    expect(instanceCountOf('telemetry', {})).toBe(1);
    expect(instanceCountOf('telemetry', { instances: { sessions: 2 } })).toBe(1);
    expect(instanceCountOf('sessions', { instances: { sessions: 2 } })).toBe(2);
  });

  it('refuses a second instance of a service that listens on a port, and a count that is not a whole number from 1', () => {
    expect(() => instanceCountOf('api-gateway', { instances: { 'api-gateway': 2 } })).toThrow(/listens on a port/);
    expect(() => instanceCountOf('central-system', { instances: { 'central-system': 3 } })).toThrow(
      /listens on a port/,
    );
    expect(() => instanceCountOf('pricing', { instances: { pricing: 0 } })).toThrow(/whole number/);
    expect(() => instanceCountOf('pricing', { instances: { pricing: 1.5 } })).toThrow(/whole number/);
  });

  it('gives each instance a log of its own', () => {
    const options = { env: {}, logDir: '/tmp/logs' };
    expect(new ServiceProcess('analytics', options).logFile).toBe('/tmp/logs/analytics.log');
    expect(new ServiceProcess('analytics', options, 2).logFile).toBe('/tmp/logs/analytics-2.log');
  });
});
