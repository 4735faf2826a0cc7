import { ErrorCatalogue } from '../errors/error-catalogue';
import { RpcErrorStatuses, type RpcError, type RpcErrorCode, type RpcErrorKind } from './rpc-reply';

const KIND_OF_STATUS = new Map<number, RpcErrorKind>(
  Object.entries(RpcErrorStatuses).map(([kind, status]) => [status, kind as RpcErrorKind]),
);

/** A service's error as it travels: the kind follows from the code's status in the catalogue. */
export function rpcErrorOf(
  code: RpcErrorCode,
  message: string,
  extras: Pick<RpcError, 'errors' | 'details'> = {},
): RpcError {
  return { kind: KIND_OF_STATUS.get(ErrorCatalogue[code].status) as RpcErrorKind, code, message, ...extras };
}

/**
 * Base of every service's domain errors: a stable code from the error catalogue, which gives its
 * status. Plain TypeScript, so domain folders can throw it without importing a framework.
 */
export abstract class DomainError extends Error {
  abstract readonly code: RpcErrorCode;

  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }

  toRpcError(): RpcError {
    return rpcErrorOf(this.code, this.message, { details: this.details });
  }
}
