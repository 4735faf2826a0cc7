import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type {
  OperationObject,
  ParameterObject,
  ReferenceObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import type { CatalogRoute } from '../auth/route-catalog';
import { ErrorCatalogue } from '@chargeflow/contracts';
import { genericCodeOf, PROBLEM_CONTENT_TYPE, ProblemException } from '../problem/problem';
import { PROBLEMS_EXTENSION, type DocumentedProblem } from './api-problems.decorator';
import { ProblemDocument } from './problem.schema';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const BEARER = 'api-key';

const AUTHENTICATED_PROBLEMS: DocumentedProblem[] = [
  {
    code: 'UNAUTHENTICATED',
    detail: 'this route needs an API key: send it as "Authorization: Bearer <key>"',
  },
  { code: 'API_KEY_REVOKED', detail: 'the API key has been revoked' },
  { code: 'ROLE_NOT_ALLOWED', detail: "the role 'analyst' may not call this route; allowed: admin" },
  {
    code: 'RATE_LIMITED',
    detail: 'too many requests for this API key: 1200 per minute with bursts of 120; retry in 1 s',
    retryAfterSeconds: 1,
  },
];
const VALIDATION_PROBLEM: DocumentedProblem = {
  code: 'VALIDATION_FAILED',
  detail: 'the request is invalid: name should not be empty',
  errors: [{ field: 'name', message: 'name should not be empty' }],
};
const BODY_PROBLEMS: DocumentedProblem[] = [
  { code: 'MALFORMED_JSON', detail: 'the request body is not valid JSON' },
  { code: 'PAYLOAD_TOO_LARGE', detail: 'Request body is too large' },
];
const IDEMPOTENCY_PROBLEMS: DocumentedProblem[] = [
  {
    code: 'IDEMPOTENCY_REQUEST_IN_PROGRESS',
    detail: 'a request with this Idempotency-Key is still being handled; retry later',
  },
  {
    code: 'IDEMPOTENCY_KEY_REUSED',
    detail: 'this Idempotency-Key was used for a different request; use a new key for a new request',
  },
];
const IDEMPOTENCY_HEADER: ParameterObject = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Retries with the same key and body replay the first response for 24 h; the same key with another body is 422.',
  schema: { type: 'string', maxLength: 255 },
  example: '5f1c2b9e-8d4a-4c3b-9e7f-1a2b3c4d5e6f',
};
const REQUEST_ID_HEADER: ParameterObject = {
  name: 'X-Request-Id',
  in: 'header',
  required: false,
  description:
    'Your id for this request (1 to 128 of A-Z a-z 0-9 . _ : -); one is generated otherwise. Returned in the response and in problems, and followed through every service log.',
  schema: { type: 'string', maxLength: 128 },
  example: 'checkout-7f3a2c',
};

/**
 * The OpenAPI 3 document, generated from the controllers and DTO classes, then completed from what
 * the gateway knows about every route: its roles, its problems (as application/problem+json with an
 * example per code), the Idempotency-Key header of POST commands, and examples built from the DTOs.
 */
export function buildOpenApiDocument(app: INestApplication, routes: CatalogRoute[]): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('ChargeFlow API')
    .setDescription(
      'The front door of ChargeFlow: ride, charge, derive. Authenticate with `Authorization: Bearer <key>`; every error is `application/problem+json` (RFC 9457) with a stable `code` and the request id.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key, e.g. `cf_…`' }, BEARER)
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ProblemDocument] });
  const schemas = (document.components?.schemas ?? {}) as Record<string, SchemaObject | ReferenceObject>;
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const route = routes.find(
        (candidate) => candidate.method === method.toUpperCase() && toOpenApiPath(candidate.path) === path,
      );
      complete(operation, method, route, schemas);
    }
  }
  return document;
}

export function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function complete(
  operation: OperationObject,
  method: string,
  route: CatalogRoute | undefined,
  schemas: Record<string, SchemaObject | ReferenceObject>,
): void {
  const extensions = operation as OperationObject & Record<string, unknown>;
  const problems = [...((extensions[PROBLEMS_EXTENSION] as DocumentedProblem[] | undefined) ?? [])];
  delete extensions[PROBLEMS_EXTENSION];
  const access = route?.access;
  if (access?.kind === 'roles') {
    operation.security = [{ [BEARER]: [] }];
    extensions['x-chargeflow-roles'] = access.roles;
    operation.description = [operation.description, `**Roles:** ${access.roles.join(', ')}.`]
      .filter(Boolean)
      .join('\n\n');
    problems.push(...AUTHENTICATED_PROBLEMS);
    if (access.roles.includes('device')) {
      problems.push({
        code: 'DEVICE_NOT_BOUND',
        detail: 'a device key acts only for the vehicle or station it is bound to',
      });
    }
  } else {
    operation.security = [];
  }
  operation.parameters = [...(operation.parameters ?? []), REQUEST_ID_HEADER];
  const takesInput =
    Boolean(operation.requestBody) ||
    operation.parameters.some((parameter) => 'in' in parameter && parameter.in !== 'header');
  if (takesInput) problems.push(VALIDATION_PROBLEM);
  if (operation.requestBody) problems.push(...BODY_PROBLEMS);
  if (method === 'post' && access?.kind === 'roles' && !extensions['x-chargeflow-not-idempotent']) {
    operation.parameters.push(IDEMPOTENCY_HEADER);
    problems.push(...IDEMPOTENCY_PROBLEMS);
  }
  for (const [status, group] of groupByStatus(problems)) {
    operation.responses[status] = {
      description: ErrorCatalogue[genericCodeOf(status)].title,
      content: {
        [PROBLEM_CONTENT_TYPE]: {
          schema: { $ref: '#/components/schemas/ProblemDocument' },
          examples: Object.fromEntries(
            group.map((problem) => [
              problem.code,
              { summary: problem.detail, value: problemExample(problem, route?.path) },
            ]),
          ),
        },
      },
    };
  }
  addExamples(operation, schemas);
}

function groupByStatus(problems: DocumentedProblem[]): Map<number, DocumentedProblem[]> {
  const groups = new Map<number, DocumentedProblem[]>();
  for (const problem of problems) {
    const { status } = ErrorCatalogue[problem.code];
    const group = groups.get(status) ?? [];
    if (!group.some((known) => known.code === problem.code)) group.push(problem);
    groups.set(status, group);
  }
  return new Map([...groups].sort(([left], [right]) => left - right));
}

/** What the gateway answers for this problem: the same document the ProblemFilter sends. */
function problemExample({ code, detail, ...extensions }: DocumentedProblem, path = '/'): Record<string, unknown> {
  return {
    ...new ProblemException(code, detail, extensions).toProblem(),
    instance: path,
    requestId: 'checkout-7f3a2c',
  };
}

/** Request and response bodies get an explicit example built from the DTO properties' examples. */
function addExamples(operation: OperationObject, schemas: Record<string, SchemaObject | ReferenceObject>): void {
  const bodies = [
    ...(operation.requestBody && 'content' in operation.requestBody ? [operation.requestBody.content] : []),
    ...Object.values(operation.responses).flatMap((response) =>
      response && 'content' in response && response.content ? [response.content] : [],
    ),
  ];
  for (const content of bodies) {
    for (const media of Object.values(content)) {
      if (media.example !== undefined || media.examples || !media.schema) continue;
      const example = exampleOf(media.schema, schemas, 0);
      if (example !== undefined) media.example = example;
    }
  }
}

function exampleOf(
  schema: SchemaObject | ReferenceObject,
  schemas: Record<string, SchemaObject | ReferenceObject>,
  depth: number,
): unknown {
  if (depth > 8) return undefined;
  if ('$ref' in schema) {
    const target = schemas[schema.$ref.replace('#/components/schemas/', '')];
    return target ? exampleOf(target, schemas, depth + 1) : undefined;
  }
  if (schema.example !== undefined) return schema.example;
  if (schema.allOf) {
    return Object.assign({}, ...schema.allOf.map((part) => exampleOf(part, schemas, depth + 1) ?? {}));
  }
  // A body of one of several shapes shows the first.
  if (schema.oneOf?.[0]) return exampleOf(schema.oneOf[0], schemas, depth + 1);
  if (schema.type === 'array' && schema.items) {
    const item = exampleOf(schema.items, schemas, depth + 1);
    return item === undefined ? [] : [item];
  }
  if (schema.properties) {
    return Object.fromEntries(
      Object.entries(schema.properties).flatMap(([name, property]) => {
        const value = exampleOf(property, schemas, depth + 1);
        return value === undefined ? [] : [[name, value]];
      }),
    );
  }
  return undefined;
}
