import { ErrorCatalogue, type ErrorCode, type ErrorCodeWithStatus } from '@chargeflow/contracts';

/** An RFC 9457 problem document, with ChargeFlow's stable `code` and the request id. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  requestId?: string;
  errors?: { field: string; message: string }[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Where the gateway serves the error catalogue, one entry per code. */
export const PROBLEMS_PATH = '/v1/problems';

type ErrorStatus = (typeof ErrorCatalogue)[ErrorCode]['status'];

/** The code of each status when nothing more specific is known; the compiler checks it has that status. */
const GENERIC_CODES = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  408: 'REQUEST_TIMEOUT',
  409: 'CONFLICT',
  410: 'GONE',
  411: 'LENGTH_REQUIRED',
  412: 'PRECONDITION_FAILED',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  416: 'RANGE_NOT_SATISFIABLE',
  422: 'UNPROCESSABLE',
  504: 'GATEWAY_TIMEOUT',
  429: 'RATE_LIMITED',
  431: 'REQUEST_HEADER_FIELDS_TOO_LARGE',
  500: 'INTERNAL_ERROR',
  503: 'SERVICE_UNAVAILABLE',
} as const satisfies { readonly [Status in ErrorStatus]?: ErrorCodeWithStatus<Status> };

/** The generic code of a status; another status answers as a plain 400 or 500. */
export function genericCodeOf(status: number): ErrorCode {
  return GENERIC_CODES[status as keyof typeof GENERIC_CODES] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST');
}

/**
 * A problem's `type`: its catalogue entry on this gateway. A relative reference with the full path, as
 * RFC 9457 (3.1.1) allows: it resolves against the URL the client called, so it reaches the gateway
 * that answered without a configured public origin (a proxy that mounts the gateway under a path
 * prefix must rewrite it). Clients should compare codes, which never change, rather than types.
 */
export function problemTypeOf(code: ErrorCode): string {
  return `${PROBLEMS_PATH}/${code}`;
}

/** Thrown by gateway code to answer with a problem; its status and title are the code's in the catalogue. */
export class ProblemException extends Error {
  constructor(
    readonly code: ErrorCode,
    detail: string,
    readonly extensions: Record<string, unknown> = {},
    /** Response headers that belong to the problem, e.g. Retry-After or WWW-Authenticate. */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'ProblemException';
  }

  /** The document the client receives, but for the request's `instance` and `requestId`. */
  toProblem(): Problem {
    const { status, title } = ErrorCatalogue[this.code];
    return { ...this.extensions, type: problemTypeOf(this.code), title, status, detail: this.message, code: this.code };
  }
}
