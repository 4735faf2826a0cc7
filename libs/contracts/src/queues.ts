/** Queues consumers bind to `chargeflow.events`; each has its own dead-letter queue `<name>.dlq`. */
export const Queues = {
  telemetrySessionEvents: 'telemetry.session-events',
  telemetrySamples: 'telemetry.samples',
  pricingFinalizedSessions: 'pricing.finalized-sessions',
  analyticsEvents: 'analytics.events',
  centralSystemProtocolLog: 'central-system.protocol-log',
} as const;
