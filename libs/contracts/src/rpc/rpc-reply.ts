import type { ErrorCodeWithStatus } from '../errors/error-catalogue';

/**
 * How a failed request is classified, and the HTTP status each kind stands for. A service answers
 * only codes with one of these statuses, and the kind of a code is the one of its status.
 */
export const RpcErrorStatuses = {
  INVALID: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNPROCESSABLE: 422,
  TOO_COSTLY: 413,
  UNAVAILABLE: 503,
  /** What the service waited for (a charge point's answer) did not come before its deadline. */
  TIMEOUT: 504,
  INTERNAL: 500,
} as const;

export type RpcErrorKind = keyof typeof RpcErrorStatuses;

/** The catalogue codes a service may answer with. */
export type RpcErrorCode = ErrorCodeWithStatus<(typeof RpcErrorStatuses)[RpcErrorKind]>;

export interface RpcFieldError {
  field: string;
  message: string;
}

export interface RpcError {
  /** Derived from the code's status; lets a gateway whose catalogue lacks a newer code still answer sensibly. */
  kind: RpcErrorKind;
  /** Stable machine-readable code from the error catalogue, e.g. SESSION_ALREADY_FINALIZED. */
  code: RpcErrorCode;
  message: string;
  errors?: RpcFieldError[];
  /** Extra facts for the caller, e.g. the active session that blocks a start. */
  details?: Record<string, unknown>;
}

export type RpcReply<T = unknown> = { ok: true; data: T } | { ok: false; error: RpcError };
