import type { RpcError } from '@chargeflow/contracts';

/** A service did not answer within the caller's deadline (or the broker was unreachable). */
export class RpcUnavailableError extends Error {
  constructor(
    readonly service: string,
    readonly pattern: string,
    reason: string,
  ) {
    super(`${service} did not answer ${pattern}: ${reason}`);
    this.name = 'RpcUnavailableError';
  }
}

/** An error a handler wants its caller to see as is: a domain error, a validation failure. */
export interface ExposableError {
  toRpcError(): RpcError;
}

export function isExposableError(error: unknown): error is ExposableError {
  return typeof (error as Partial<ExposableError> | null)?.toRpcError === 'function';
}
