// The module object itself (a default import): prom-client calls monitorEventLoopDelay on it, and a
// namespace import would be a copy that a spy on it could not see.
import perfHooks from 'node:perf_hooks';
import { metricsRegistry } from '@chargeflow/messaging';
import { EVENT_LOOP_SAMPLE_MS } from './event-loop-delay';
import { collectProcessMetrics } from './metrics.rpc.controller';

describe('process metrics', () => {
  afterEach(() => {
    jest.restoreAllMocks();
    metricsRegistry.clear();
  });

  it('sample the event loop every 100 ms for our gauges and once a second for prom-client’s', async () => {
    const monitor = jest.spyOn(perfHooks, 'monitorEventLoopDelay');
    collectProcessMetrics();
    collectProcessMetrics();

    expect(monitor.mock.calls.map(([options]) => options?.resolution).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([
      EVENT_LOOP_SAMPLE_MS,
      1_000,
    ]);
    const exposition = await metricsRegistry.metrics();
    expect(exposition).toMatch(/^# HELP chargeflow_nodejs_eventloop_lag_p99_seconds The p99 of how late/m);
    expect(exposition).toMatch(/^chargeflow_process_cpu_seconds_total \d/m);
  });
});
