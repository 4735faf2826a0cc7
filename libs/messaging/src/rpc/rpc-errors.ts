import { rpcErrorOf, type RpcError } from '@chargeflow/contracts';

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

/** PostgreSQL's query_canceled: here, a statement that ran past DATABASE_STATEMENT_TIMEOUT_MS and was stopped. */
const QUERY_CANCELED = '57014';

/** A statement cancelled by its timeout, told as the request's own cost (413), not as an outage: nothing is left running. */
export function statementTimeoutErrorOf(error: unknown): RpcError | null {
  if ((error as { code?: unknown } | null)?.code !== QUERY_CANCELED) return null;
  return rpcErrorOf(
    'QUERY_TOO_COSTLY',
    'the request needs more database work than one answer may take, and it was stopped; ask for less (a shorter period, a smaller page)',
  );
}
