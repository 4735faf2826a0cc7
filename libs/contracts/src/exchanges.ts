/** Durable exchanges. Domain events and device samples are topic exchanges; RPC requests go through a direct one. */
export const Exchanges = {
  events: 'chargeflow.events',
  telemetry: 'telemetry',
  rpc: 'chargeflow.rpc',
  deadLetter: 'chargeflow.dlx',
} as const;

export type ExchangeName = (typeof Exchanges)[keyof typeof Exchanges];
