import { Counter, Gauge, Registry } from 'prom-client';

/** The process's metrics: what `metrics.v1` (services) and `GET /metrics` (gateway) expose. */
export const metricsRegistry = new Registry();

export const messagingMetrics = {
  consumed: new Counter({
    name: 'chargeflow_messages_consumed_total',
    help: 'Messages handled and acknowledged, by queue',
    labelNames: ['queue'] as const,
    registers: [metricsRegistry],
  }),
  rejected: new Counter({
    name: 'chargeflow_messages_rejected_total',
    help: 'Messages whose handling failed and that were handed back for redelivery, by queue',
    labelNames: ['queue'] as const,
    registers: [metricsRegistry],
  }),
  deadLettered: new Counter({
    name: 'chargeflow_messages_dead_lettered_total',
    help: 'Messages sent to their dead-letter queue as poison, by queue and reason',
    labelNames: ['queue', 'reason'] as const,
    registers: [metricsRegistry],
  }),
};

const backlogSources = new Set<() => Promise<number>>();

new Gauge({
  name: 'chargeflow_outbox_backlog',
  help: 'Outbox events not yet published, read when scraped',
  registers: [metricsRegistry],
  async collect() {
    const backlogs = await Promise.all([...backlogSources].map((source) => source().catch(() => 0)));
    this.set(backlogs.reduce((sum, backlog) => sum + backlog, 0));
  },
});

/** Counts `source` in the outbox backlog gauge until the returned function is called. */
export function trackOutboxBacklog(source: () => Promise<number>): () => void {
  backlogSources.add(source);
  return () => backlogSources.delete(source);
}
