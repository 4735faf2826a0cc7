import { metricsRegistry } from '@chargeflow/messaging';
import { collectProcessMetrics } from './metrics.rpc.controller';

describe('process metrics', () => {
  afterEach(() => metricsRegistry.clear());

  it('export the event loop delay as our own gauges beside prom-client’s process metrics', async () => {
    collectProcessMetrics();
    const exposition = await metricsRegistry.metrics();
    expect(exposition).toMatch(/^# HELP chargeflow_nodejs_eventloop_lag_p99_seconds The p99 of how late/m);
    expect(exposition).toMatch(/^chargeflow_process_cpu_seconds_total \d/m);
    expect(exposition.match(/^# HELP chargeflow_nodejs_eventloop_lag_max_seconds/gm)).toHaveLength(1);
  });
});
