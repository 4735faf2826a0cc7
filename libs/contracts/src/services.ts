/** The services behind the gateway; each answers RPC on its own queue. */
export const BackendServices = ['sessions', 'telemetry', 'pricing', 'analytics', 'central-system'] as const;

export type BackendService = (typeof BackendServices)[number];

/** The queue a service consumes its RPC requests from, bound to `Exchanges.rpc` under the same key. */
export function rpcQueueOf(service: BackendService): string {
  return `${service}.rpc`;
}
