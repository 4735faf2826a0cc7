import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Gauge, type Aggregator, type Registry } from 'prom-client';

/**
 * How often the event loop is sampled. prom-client samples every 10 ms by default, which woke every
 * idle service 100 times a second (each wake-up about 0.08 ms of CPU on a small VM, and under a steady
 * load more wake-ups between messages on the cores the requests need).
 */
export const EVENT_LOOP_SAMPLE_MS = 100;

const STATISTICS: Record<string, (histogram: IntervalHistogram) => number> = {
  min: (histogram) => histogram.min,
  max: (histogram) => histogram.max,
  mean: (histogram) => histogram.mean,
  p50: (histogram) => histogram.percentile(50),
  p90: (histogram) => histogram.percentile(90),
  p99: (histogram) => histogram.percentile(99),
};

/** How a cluster's registries combine each statistic, as prom-client's gauges of these names did. */
const AGGREGATORS: Record<string, Aggregator> = { min: 'min', max: 'max' };

/**
 * Exports the event loop's delay as `<prefix>nodejs_eventloop_lag_{min,max,mean,stddev,p50,p90,p99}_seconds`,
 * in place of prom-client's gauges of those names: Node's histogram records the whole time between two
 * samples, so prom-client's figures include the sampling interval (an idle loop read 0.01 s), and at
 * 100 ms they would read 0.1 s. These report how late each sample came (an idle loop reads about 0),
 * over the samples since the previous scrape (by anyone: every scrape starts a new window); a scrape
 * that finds no new sample repeats the last figures. A block of the loop delays the sample due during
 * it by up to its length, and shows in `_max`, except for a block within the first sample after a
 * scrape (Node starts counting again from that sample). Returns a function that stops the sampling.
 */
export function exportEventLoopDelay(registry: Registry, prefix: string): () => void {
  const histogram = monitorEventLoopDelay({ resolution: EVENT_LOOP_SAMPLE_MS });
  histogram.enable();
  const intervalNs = EVENT_LOOP_SAMPLE_MS * 1e6;
  let reading: Record<string, number> = {};
  const current = () => {
    if (histogram.count > 0) {
      reading = Object.fromEntries(
        Object.entries(STATISTICS).map(([name, of]) => [name, Math.max(0, of(histogram) - intervalNs) / 1e9]),
      );
      reading.stddev = histogram.stddev / 1e9;
      histogram.reset();
    }
    return reading;
  };
  for (const statistic of [...Object.keys(STATISTICS), 'stddev']) {
    const name = `${prefix}nodejs_eventloop_lag_${statistic}_seconds`;
    registry.removeSingleMetric(name);
    new Gauge({
      name,
      help: `The ${statistic} of how late the event loop's samples (every ${EVENT_LOOP_SAMPLE_MS} ms) came since the last scrape, in seconds.`,
      registers: [registry],
      aggregator: AGGREGATORS[statistic] ?? 'average',
      collect() {
        const value = current()[statistic];
        if (value !== undefined) this.set(value);
      },
    });
  }
  return () => histogram.disable();
}
