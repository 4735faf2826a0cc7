import perfHooks from 'node:perf_hooks';
import { metricsRegistry } from '@chargeflow/messaging';
import { collectProcessMetrics, EVENT_LOOP_SAMPLE_MS } from './metrics.rpc.controller';

describe('process metrics', () => {
  it('samples the event loop every 100 ms, not every 10 ms, and still reports its delay', async () => {
    const monitor = jest.spyOn(perfHooks, 'monitorEventLoopDelay');
    collectProcessMetrics();
    collectProcessMetrics();

    expect(monitor).toHaveBeenCalledTimes(1);
    expect(monitor).toHaveBeenCalledWith({ resolution: EVENT_LOOP_SAMPLE_MS });
    expect(EVENT_LOOP_SAMPLE_MS).toBe(100);
    const exposition = await metricsRegistry.metrics();
    expect(exposition).toMatch(/^chargeflow_nodejs_eventloop_lag_p99_seconds \d/m);
    expect(exposition).toMatch(/^chargeflow_process_cpu_seconds_total \d/m);
    metricsRegistry.clear();
  });
});
