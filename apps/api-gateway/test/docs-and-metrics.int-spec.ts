import { ErrorCatalogue, type ErrorCode } from '@chargeflow/contracts';
import { toOpenApiPath } from '../src/openapi/openapi-document';
import { GatewayHarness } from './gateway.harness';

interface MediaType {
  example?: unknown;
  examples?: Record<string, { value: Record<string, unknown> }>;
}
interface Operation {
  security?: unknown[];
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, { content?: Record<string, MediaType> }>;
}
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
}

describe('gateway documentation and metrics', () => {
  jest.setTimeout(60_000);
  let gateway: GatewayHarness;
  let document: OpenApiDocument;

  beforeAll(async () => {
    gateway = await GatewayHarness.start('gw_docs');
    const answer = await gateway.request<OpenApiDocument>('GET', '/openapi.json');
    expect(answer.status).toBe(200);
    document = answer.body;
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  const operations = () =>
    Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({
        name: `${method.toUpperCase()} ${path}`,
        method,
        operation,
      })),
    );

  it('documents every route of the gateway in OpenAPI 3', () => {
    expect(document.openapi).toMatch(/^3\./);
    const documented = operations().map((operation) => operation.name);
    for (const route of gateway.routes()) expect(documented).toContain(`${route.method} ${toOpenApiPath(route.path)}`);
  });

  it('gives every operation examples for its request and its success response', () => {
    for (const { name, operation } of operations()) {
      for (const media of Object.values(operation.requestBody?.content ?? {}))
        expect({ name, example: media.example }).toEqual({ name, example: expect.anything() });
      const successes = Object.entries(operation.responses).filter(([status]) => status.startsWith('2'));
      expect({ name, documentsSuccess: successes.length > 0 }).toEqual({ name, documentsSuccess: true });
      for (const [status, response] of successes) {
        if (status === '204') continue;
        const media = Object.values(response.content ?? {});
        expect({ name, status, bodies: media.length > 0 }).toEqual({ name, status, bodies: true });
        for (const body of media) expect({ name, example: body.example }).toEqual({ name, example: expect.anything() });
      }
    }
  });

  it('documents the problems of every protected operation as problem+json with an example per code', () => {
    for (const { name, method, operation } of operations()) {
      if (!operation.security || operation.security.length === 0) continue;
      for (const status of ['401', '403', '429']) {
        const examples = operation.responses[status]?.content?.['application/problem+json']?.examples;
        expect({ name, status, documented: Boolean(examples && Object.keys(examples).length > 0) }).toEqual({
          name,
          status,
          documented: true,
        });
        for (const example of Object.values(examples ?? {}))
          expect(example.value).toMatchObject({
            status: Number(status),
            code: expect.any(String),
            type: expect.any(String),
          });
      }
      if (method === 'post' && name !== 'POST /v1/api-keys' && name !== 'POST /v1/device-credentials')
        expect(operation.parameters?.map((parameter) => parameter.name)).toContain('Idempotency-Key');
    }
    const create = document.paths['/v1/api-keys'].post;
    expect(Object.keys(create.responses)).toEqual(
      expect.arrayContaining(['201', '400', '401', '403', '409', '413', '429']),
    );
    expect(create.parameters?.map((parameter) => parameter.name)).not.toContain('Idempotency-Key');
  });

  it('documents every problem under the status, and with the title, its code has in the catalogue', () => {
    const documented = operations().flatMap(({ name, operation }) =>
      Object.entries(operation.responses).flatMap(([status, response]) =>
        Object.values(response.content?.['application/problem+json']?.examples ?? {}).map(({ value }) => ({
          name,
          status: Number(status),
          value,
        })),
      ),
    );
    expect(documented.length).toBeGreaterThan(0);
    for (const { name, status, value } of documented) {
      const entry = ErrorCatalogue[value.code as ErrorCode];
      expect({ name, status, answered: value.status, title: value.title }).toEqual({
        name,
        status: entry.status,
        answered: entry.status,
        title: entry.title,
      });
    }
  });

  it('serves browsable docs at /docs', async () => {
    const page = await fetch(`${gateway.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('swagger');
  });

  it('exposes request counts and latency by route and status in Prometheus format', async () => {
    const operator = (await gateway.createKey('operator')).key;
    await gateway.request('GET', '/healthz');
    await gateway.request('GET', '/v1/api-keys', { key: operator });
    const answer = await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${operator}` } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('text/plain');
    const text = await answer.text();
    expect(text).toContain('# TYPE chargeflow_http_requests_total counter');
    expect(text).toMatch(
      /chargeflow_http_requests_total\{service="api-gateway",method="GET",route="\/healthz",status="200"\} \d+/,
    );
    expect(text).toMatch(
      /chargeflow_http_requests_total\{service="api-gateway",method="GET",route="\/v1\/api-keys",status="403"\} \d+/,
    );
    expect(text).toMatch(
      /chargeflow_http_request_duration_seconds_bucket\{service="api-gateway",le="0.05",method="GET",route="\/healthz",status="200"\} \d+/,
    );
    expect(text).toContain('chargeflow_service_up{service="sessions"} 0');
    expect(text.match(/^# TYPE chargeflow_http_requests_total /gm)).toHaveLength(1);
  });
});
