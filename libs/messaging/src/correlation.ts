import { AsyncLocalStorage } from 'node:async_hooks';

export interface CorrelationScope {
  correlationId: string;
  /** The message being handled, the cause of whatever this work publishes. */
  causationId?: string | null;
}

/** The header an RPC request carries its correlation id in (its correlationId property matches the reply). */
export const CORRELATION_ID_HEADER = 'x-correlation-id';

const storage = new AsyncLocalStorage<CorrelationScope>();

/** Runs `work` with a correlation scope that log lines and published envelopes pick up. */
export function withCorrelation<T>(scope: CorrelationScope, work: () => T): T {
  return storage.run(scope, work);
}

export function currentCorrelation(): CorrelationScope | undefined {
  return storage.getStore();
}
