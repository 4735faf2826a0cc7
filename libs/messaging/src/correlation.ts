import { AsyncLocalStorage } from 'node:async_hooks';

export interface CorrelationScope {
  correlationId: string;
  /** The message being handled, the cause of whatever this work publishes. */
  causationId?: string | null;
}

const storage = new AsyncLocalStorage<CorrelationScope>();

/** Runs `work` with a correlation scope that log lines and published envelopes pick up. */
export function withCorrelation<T>(scope: CorrelationScope, work: () => T): T {
  return storage.run(scope, work);
}

export function currentCorrelation(): CorrelationScope | undefined {
  return storage.getStore();
}
