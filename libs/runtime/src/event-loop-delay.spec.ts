import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { EVENT_LOOP_SAMPLE_MS, exportEventLoopDelay } from './event-loop-delay';

/** Keeps the event loop busy, as a long synchronous task would. */
function block(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until);
}

async function gauge(registry: Registry, statistic: string): Promise<number> {
  const metric = registry.getSingleMetric(`test_nodejs_eventloop_lag_${statistic}_seconds`);
  const { values } = await (metric as NonNullable<typeof metric>).get();
  return values[0]?.value ?? Number.NaN;
}

describe('the event loop delay gauges', () => {
  let registry: Registry;
  let stop: () => void;

  beforeEach(() => {
    registry = new Registry();
    stop = exportEventLoopDelay(registry, 'test_');
  });
  afterEach(() => {
    stop();
    registry.clear();
  });

  it('read how late the samples came, not the interval between them: an idle loop reads about 0', async () => {
    await sleep(EVENT_LOOP_SAMPLE_MS * 4);
    await registry.metrics();
    expect(await gauge(registry, 'min')).toBeLessThan(0.05);
    expect(await gauge(registry, 'min')).toBeGreaterThanOrEqual(0);
    expect(await gauge(registry, 'max')).toBeGreaterThan(0);
  });

  it('show a block of the loop in _max, by how long the sample due in it waited', async () => {
    await sleep(EVENT_LOOP_SAMPLE_MS * 3);
    await registry.metrics();
    await sleep(EVENT_LOOP_SAMPLE_MS * 1.5);
    block(300);
    await sleep(EVENT_LOOP_SAMPLE_MS * 2.5);
    await registry.metrics();
    const max = await gauge(registry, 'max');
    expect(max).toBeGreaterThanOrEqual(0.19);
    expect(max).toBeLessThan(1);
  });

  it('repeat the last figures when scraped again before a new sample, instead of an empty reading', async () => {
    await sleep(EVENT_LOOP_SAMPLE_MS * 3);
    const first = await registry.metrics();
    const again = await registry.metrics();
    expect(again).toBe(first);
    expect(again).toMatch(/^test_nodejs_eventloop_lag_p99_seconds \d/m);
    expect(again).not.toMatch(/NaN|e\+/);
  });
});
