/** RPC patterns every backend service answers. Service-specific patterns live beside their payloads. */
export const CommonRpcPatterns = {
  health: 'health.v1',
  metrics: 'metrics.v1',
} as const;
