import type { FastifyInstance } from 'fastify';
import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from '@chargeflow/messaging';

const labelNames = ['method', 'route', 'status'] as const;

const requests = new Counter({
  name: 'chargeflow_http_requests_total',
  help: 'HTTP requests answered by the gateway, by method, route template and status',
  labelNames,
  registers: [metricsRegistry],
});

const duration = new Histogram({
  name: 'chargeflow_http_request_duration_seconds',
  help: 'Time from request to response in the gateway, by method, route template and status',
  labelNames,
  buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

/** Counts and times every response by its route template (`/v1/api-keys/:id`), never by raw URL. */
export function recordHttpMetrics(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', async (request, reply) => {
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status: String(reply.statusCode),
    };
    requests.inc(labels);
    duration.observe(labels, reply.elapsedTime / 1_000);
  });
}
