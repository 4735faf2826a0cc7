/** How a failed request is classified; the gateway maps each kind to one HTTP status. */
export const RpcErrorKinds = ['INVALID', 'NOT_FOUND', 'CONFLICT', 'UNPROCESSABLE', 'UNAVAILABLE', 'INTERNAL'] as const;

export type RpcErrorKind = (typeof RpcErrorKinds)[number];

export interface RpcFieldError {
  field: string;
  message: string;
}

export interface RpcError {
  kind: RpcErrorKind;
  /** Stable machine-readable code, e.g. SESSION_ALREADY_FINALIZED. */
  code: string;
  message: string;
  errors?: RpcFieldError[];
  /** Extra facts for the caller, e.g. the active session that blocks a start. */
  details?: Record<string, unknown>;
}

export type RpcReply<T = unknown> = { ok: true; data: T } | { ok: false; error: RpcError };
