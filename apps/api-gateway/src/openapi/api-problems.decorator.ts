import { ApiExtension } from '@nestjs/swagger';

/** One error a route can answer with, as documented in OpenAPI. */
export interface DocumentedProblem {
  status: number;
  code: string;
  detail: string;
  errors?: { field: string; message: string }[];
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
    status: 503,
    code: 'SERVICE_UNAVAILABLE',
    detail: `the ${service} service did not answer in time; try again`,
    service,
  };
}
