import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AnalyticsSessionRow, Page } from '@chargeflow/contracts';
import { EXPORT_PAGE_SIZE, ExportFormats, exportStream } from '../../src/api/analytics/session-export';

/**
 * The gateway side of `npm run bench:analytics`'s export (bench/analytics.ts forks it): the whole
 * export as CSV through the gateway's own stream, each page of EXPORT_PAGE_SIZE rows asked over IPC
 * (where the gateway asks the analytics service over RPC), into a sink that discards the bytes. Its
 * RSS is its own: it reports its peak, sampled and as the kernel counted it. bench/analytics.ts runs
 * it compiled (dist/, as the gateway runs), not under the TypeScript loader.
 */
const waiting: ((page: Page<AnalyticsSessionRow>) => void)[] = [];

process.on('message', (message: { type: string; page?: Page<AnalyticsSessionRow> }) => {
  if (message.type === 'page' && message.page) waiting.shift()?.(message.page);
});

function page(cursor: string | null): Promise<Page<AnalyticsSessionRow>> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    process.send?.({ type: 'page', cursor, limit: EXPORT_PAGE_SIZE });
  });
}

async function main(): Promise<void> {
  const rssBefore = process.memoryUsage.rss();
  let peakRss = rssBefore;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 20);
  let bytes = 0;
  let rows = 0;
  /** RSS as the export proceeds: a bounded stream levels off, a leak climbs with the rows. */
  const progress: {
    rows: number;
    rssMb: number;
    heapMb: number;
    heapTotalMb: number;
    externalMb: number;
    arrayBuffersMb: number;
  }[] = [];
  const started = performance.now();
  const first = await page(null);
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done();
    },
  });
  await pipeline(
    exportStream(ExportFormats.csv, first, async (cursor) => {
      const next = await page(cursor);
      rows += next.items.length;
      const memory = process.memoryUsage();
      progress.push({
        rows,
        rssMb: memory.rss / 1_048_576,
        heapMb: memory.heapUsed / 1_048_576,
        heapTotalMb: memory.heapTotal / 1_048_576,
        externalMb: memory.external / 1_048_576,
        arrayBuffersMb: memory.arrayBuffers / 1_048_576,
      });
      return next;
    }),
    sink,
  );
  rows += first.items.length;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  process.send?.({
    type: 'exported',
    rows,
    bytes,
    seconds: (performance.now() - started) / 1_000,
    rssBeforeMb: rssBefore / 1_048_576,
    peakRssMb: peakRss / 1_048_576,
    maxRssMb: process.resourceUsage().maxRSS / 1_024,
    byQuarter: [1, 2, 3, 4].map((quarter) => progress[Math.ceil((progress.length * quarter) / 4) - 1]),
  });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.send?.({ type: 'error', error: String((error as Error).stack ?? error) });
    process.exit(1);
  },
);
