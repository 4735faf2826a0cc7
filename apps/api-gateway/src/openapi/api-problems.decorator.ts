import { ApiExtension } from '@nestjs/swagger';
import type { ErrorCode } from '@chargeflow/contracts';

/** One error a route can answer with, as documented in OpenAPI; its status and title are the code's. */
export interface DocumentedProblem {
  code: ErrorCode;
  detail: string;
  errors?: { field: string; message: string }[];
  /** Never stated here: the error catalogue gives them. */
  status?: never;
  title?: never;
  type?: never;
  [extension: string]: unknown;
}

export const PROBLEMS_EXTENSION = 'x-chargeflow-problems';

/**
 * Documents the problems a route answers with; the OpenAPI builder turns them into
 * application/problem+json responses with examples. 401, 403 and 429 are added to every route that
 * needs a key, and 400 to every route that validates input, without being listed here.
 */
export const ApiProblems = (...problems: DocumentedProblem[]) => ApiExtension(PROBLEMS_EXTENSION, problems);

/** The 503 of a route that calls `service`. */
export function serviceUnavailable(service: string): DocumentedProblem {
  return {
    code: 'SERVICE_UNAVAILABLE',
    detail: `the ${service} service did not answer in time; try again`,
    service,
  };
}
