import type { RpcError, RpcErrorKind } from './rpc-reply';

/**
 * Base of every service's domain errors: a stable code and a kind the gateway maps to a status.
 * Plain TypeScript, so domain folders can throw it without importing a framework.
 */
export abstract class DomainError extends Error {
  abstract readonly kind: RpcErrorKind;
  abstract readonly code: string;

  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }

  toRpcError(): RpcError {
    return { kind: this.kind, code: this.code, message: this.message, details: this.details };
  }
}
