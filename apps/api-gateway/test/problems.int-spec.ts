import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { ErrorCatalogue, ErrorCodes, type ErrorCode } from '@chargeflow/contracts';
import { ApiKeyCache, LISTENER_APPLICATION_NAME } from '../src/auth/api-key.cache';
import { ApiKeyRepository } from '../src/auth/api-key.repository';
import { hashApiKey, issueApiKey } from '../src/auth/api-key-secret';
import { FixtureRoutesModule } from './fixture-routes';
import { waitFor } from '@chargeflow/testing';
import { GatewayHarness, type GatewayResponse } from './gateway.harness';

const PROBLEM_FIELDS = ['type', 'title', 'status', 'detail', 'code', 'instance', 'requestId'];

/** The RFC 9457 shape every error has, typed and titled by its code, with the request id the response header carries. */
function expectProblem(answer: GatewayResponse, status: number, code: ErrorCode): void {
  expect({ status: answer.status, code: answer.body?.code }).toEqual({ status, code });
  expect(answer.headers.get('content-type')).toContain('application/problem+json');
  for (const field of PROBLEM_FIELDS) expect(answer.body).toHaveProperty(field);
  expect(answer.body.status).toBe(status);
  expect(answer.body.type).toBe(`/v1/problems/${code}`);
  expect(answer.body.title).toBe(ErrorCatalogue[code].title);
  expect(answer.body.requestId).toBe(answer.headers.get('x-request-id'));
  expect(JSON.stringify(answer.body)).not.toMatch(/\bat .+\.(ts|js):\d+/);
}

describe('gateway errors, limits and idempotency', () => {
  jest.setTimeout(120_000);
  let gateway: GatewayHarness;
  let operator: string;
  let analyst: string;

  beforeAll(async () => {
    gateway = await GatewayHarness.start('gw_problems', { GATEWAY_BODY_LIMIT_BYTES: '4096' }, [FixtureRoutesModule]);
    operator = (await gateway.createKey('operator')).key;
    analyst = (await gateway.createKey('analyst')).key;
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  describe('every error is problem+json', () => {
    it('400 with one entry per offending field, unknown fields included', async () => {
      const answer = await gateway.request('POST', '/v1/api-keys', {
        key: gateway.adminKey,
        body: { name: '', role: 'admin', colour: 'red' },
      });
      expectProblem(answer, 400, 'VALIDATION_FAILED');
      const fields = (answer.body.errors as { field: string }[]).map((error) => error.field);
      expect(fields).toEqual(expect.arrayContaining(['name', 'colour']));
    });

    it('400 for a body that is not JSON', async () => {
      const answer = await gateway.request('POST', '/v1/fixtures/notes', {
        key: operator,
        rawBody: '{"text":',
        headers: { 'content-type': 'application/json' },
      });
      expectProblem(answer, 400, 'MALFORMED_JSON');
    });

    it('400 for a type that is only loosely right: no coercion of strings', async () => {
      const answer = await gateway.request('POST', '/v1/fixtures/notes', { key: operator, body: { text: 42 } });
      expectProblem(answer, 400, 'VALIDATION_FAILED');
    });

    it('401 without a key, 403 with a key of the wrong role', async () => {
      expectProblem(await gateway.request('GET', '/v1/api-keys'), 401, 'UNAUTHENTICATED');
      expectProblem(await gateway.request('GET', '/v1/api-keys', { key: analyst }), 403, 'ROLE_NOT_ALLOWED');
    });

    it('404 for unknown routes and unknown resources, with the caller request id', async () => {
      const unknown = await gateway.request('GET', '/v1/nowhere', { headers: { 'x-request-id': 'trace-404' } });
      expectProblem(unknown, 404, 'ROUTE_NOT_FOUND');
      expect(unknown.body.requestId).toBe('trace-404');
      expectProblem(
        await gateway.request('DELETE', `/v1/api-keys/${randomUUID()}`, { key: gateway.adminKey }),
        404,
        'API_KEY_NOT_FOUND',
      );
    });

    it('409 for a name an active key already has', async () => {
      const body = { name: 'twin', role: 'analyst' };
      expect((await gateway.request('POST', '/v1/api-keys', { key: gateway.adminKey, body })).status).toBe(201);
      expectProblem(
        await gateway.request('POST', '/v1/api-keys', { key: gateway.adminKey, body }),
        409,
        'API_KEY_NAME_TAKEN',
      );
    });

    it('413 for a body over the limit', async () => {
      const answer = await gateway.request('POST', '/v1/fixtures/notes', {
        key: operator,
        body: { text: 'x'.repeat(8_000) },
      });
      expectProblem(answer, 413, 'PAYLOAD_TOO_LARGE');
    });

    it('503 naming the service when it does not answer in time, never a hanging request', async () => {
      const startedAt = Date.now();
      const answer = await gateway.request('GET', '/v1/fixtures/sessions-health', { key: operator });
      expectProblem(answer, 503, 'SERVICE_UNAVAILABLE');
      expect(answer.body.service).toBe('sessions');
      expect(Date.now() - startedAt).toBeLessThan(5_000);
    });
  });

  describe('the error catalogue', () => {
    it('lists every code without a key: its type, status, title and description', async () => {
      const answer = await gateway.request<{ items: Record<string, unknown>[] }>('GET', '/v1/problems');
      expect(answer.status).toBe(200);
      expect(answer.body.items).toEqual(
        ErrorCodes.map((code) => ({ code, type: `/v1/problems/${code}`, ...ErrorCatalogue[code] })),
      );
    });

    it('answers one code with its entry, and a code it does not have with a 404 problem', async () => {
      expect(await gateway.request('GET', '/v1/problems/VEHICLE_HAS_ACTIVE_SESSION')).toMatchObject({
        status: 200,
        body: {
          code: 'VEHICLE_HAS_ACTIVE_SESSION',
          type: '/v1/problems/VEHICLE_HAS_ACTIVE_SESSION',
          status: 409,
          title: 'Vehicle has an active session',
          description: ErrorCatalogue.VEHICLE_HAS_ACTIVE_SESSION.description,
        },
      });
      expectProblem(await gateway.request('GET', '/v1/problems/NOT_A_REAL_CODE'), 404, 'UNKNOWN_ERROR_CODE');
    });

    it("resolves a real problem's type, against the URL that answered it, to that code's entry", async () => {
      const called = `/v1/api-keys/${randomUUID()}`;
      const problems = [
        await gateway.request('DELETE', called, { key: gateway.adminKey }),
        await gateway.request('DELETE', called),
        await gateway.request('GET', '/v1/nowhere/at/all'),
      ];
      expect(problems.map((problem) => problem.body.code)).toEqual([
        'API_KEY_NOT_FOUND',
        'UNAUTHENTICATED',
        'ROUTE_NOT_FOUND',
      ]);
      for (const problem of problems) {
        const type = new URL(problem.body.type as string, `${gateway.url}${called}`);
        expect(type.origin).toBe(new URL(gateway.url).origin);
        const entry = await gateway.request('GET', type.pathname);
        expect(entry).toMatchObject({
          status: 200,
          body: { code: problem.body.code, type: problem.body.type, status: problem.status, title: problem.body.title },
        });
      }
    });
  });

  describe('Idempotency-Key', () => {
    const postNote = (key: string, body: unknown, idempotencyKey?: string) =>
      gateway.request('POST', '/v1/fixtures/notes', {
        key,
        body,
        headers: idempotencyKey ? { 'idempotency-key': idempotencyKey } : {},
      });

    it('replays the first response to the same key and body, without running the command again', async () => {
      const idempotencyKey = randomUUID();
      const first = await postNote(operator, { text: 'charge bay 4', tag: 'a' }, idempotencyKey);
      const retry = await postNote(operator, { tag: 'a', text: 'charge bay 4' }, idempotencyKey);
      expect(first.status).toBe(201);
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(first.body);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      const next = await postNote(operator, { text: 'charge bay 4', tag: 'a' }, randomUUID());
      expect(next.body.number).toBe((first.body.number as number) + 1);
    });

    it('answers 422 to the same key with a different body', async () => {
      const idempotencyKey = randomUUID();
      expect((await postNote(operator, { text: 'first' }, idempotencyKey)).status).toBe(201);
      expectProblem(await postNote(operator, { text: 'second' }, idempotencyKey), 422, 'IDEMPOTENCY_KEY_REUSED');
    });

    it('keeps keys of different callers apart', async () => {
      const idempotencyKey = randomUUID();
      const other = (await gateway.createKey('operator')).key;
      const mine = await postNote(operator, { text: 'mine' }, idempotencyKey);
      const theirs = await postNote(other, { text: 'theirs' }, idempotencyKey);
      expect(theirs.status).toBe(201);
      expect(theirs.body.number).not.toBe(mine.body.number);
    });

    it('runs one of two concurrent requests with the same key; the other waits its turn or replays', async () => {
      const idempotencyKey = randomUUID();
      const answers = await Promise.all([0, 1, 2].map(() => postNote(operator, { text: 'race' }, idempotencyKey)));
      const done = answers.filter((answer) => answer.status === 201);
      const numbers = new Set(done.map((answer) => answer.body.number));
      expect(numbers.size).toBe(1);
      for (const answer of answers.filter((candidate) => candidate.status !== 201))
        expectProblem(answer, 409, 'IDEMPOTENCY_REQUEST_IN_PROGRESS');
    });

    it('does not store failures, so a corrected retry may reuse the key; refuses malformed keys', async () => {
      const idempotencyKey = randomUUID();
      expect((await postNote(operator, { text: 7 }, idempotencyKey)).status).toBe(400);
      expect((await postNote(operator, { text: 7 }, idempotencyKey)).status).toBe(400);
      expectProblem(await postNote(operator, { text: 'ok' }, 'has spaces in it'), 400, 'IDEMPOTENCY_KEY_INVALID');
    });

    it('is refused on key creation, whose secret is never stored to be replayed', async () => {
      const answer = await gateway.request('POST', '/v1/api-keys', {
        key: gateway.adminKey,
        body: { name: 'replayed', role: 'analyst' },
        headers: { 'idempotency-key': randomUUID() },
      });
      expectProblem(answer, 400, 'IDEMPOTENCY_NOT_SUPPORTED');
    });
  });

  describe('request ids', () => {
    it('keeps a sane X-Request-Id and replaces an unsafe one', async () => {
      expect(
        (await gateway.request('GET', '/healthz', { headers: { 'x-request-id': 'abc-123' } })).headers.get(
          'x-request-id',
        ),
      ).toBe('abc-123');
      const replaced = (
        await gateway.request('GET', '/healthz', { headers: { 'x-request-id': 'bad id <script>' } })
      ).headers.get('x-request-id');
      expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
    });
  });
});

describe('gateway rate limits', () => {
  jest.setTimeout(60_000);
  let gateway: GatewayHarness;

  beforeAll(async () => {
    gateway = await GatewayHarness.start('gw_rate', {
      RATE_LIMIT_KEY_PER_MINUTE: '6',
      RATE_LIMIT_KEY_BURST: '3',
      RATE_LIMIT_ADDRESS_PER_MINUTE: '6',
      RATE_LIMIT_ADDRESS_BURST: '3',
    });
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it('limits each API key on its own and says when to retry', async () => {
    // The burst is 3 and creating the analyst key below takes the first request of the admin key.
    const admin = gateway.adminKey;
    const analystKey = (await gateway.createKey('analyst')).key;
    const answers: GatewayResponse[] = [];
    for (let attempt = 0; attempt < 3; attempt += 1)
      answers.push(await gateway.request('GET', '/v1/api-keys', { key: admin }));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 429]);
    const limited = answers[2];
    expectProblem(limited, 429, 'RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(10);
    expect((await gateway.request('GET', '/v1/api-keys', { key: analystKey })).status).toBe(403);
  });

  it('limits requests without a valid key per address, failed key attempts included', async () => {
    // The burst is 3; the lookups of the keys the test above used the first time took from it too.
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      statuses.push((await gateway.request('GET', '/v1/api-keys', { key: `cf_${'B'.repeat(43)}` })).status);
    }
    const refused = statuses.indexOf(429);
    expect(refused).toBeGreaterThanOrEqual(1);
    expect(statuses.slice(0, refused).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(refused).every((status) => status === 429)).toBe(true);
    expect((await gateway.request('GET', '/healthz')).status).toBe(200);

    // Once the address is limited, made-up keys cost no database lookup.
    const lookups = jest.spyOn(gateway.provider(ApiKeyRepository), 'findByHash');
    const limited: number[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1)
      limited.push((await gateway.request('GET', '/v1/api-keys', { key: issueApiKey().key })).status);
    expect(limited).toEqual([429, 429, 429, 429, 429]);
    expect(lookups).not.toHaveBeenCalled();
    lookups.mockRestore();
  });
});

describe('gateway rate limits while key lookups are due', () => {
  jest.setTimeout(60_000);
  let gateway: GatewayHarness;

  beforeAll(async () => {
    // Every cached key is past its TTL at once: each request would need a lookup.
    gateway = await GatewayHarness.start('gw_stale', {
      API_KEY_CACHE_TTL_MS: '1',
      RATE_LIMIT_ADDRESS_PER_MINUTE: '6',
      RATE_LIMIT_ADDRESS_BURST: '2',
    });
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it('keeps a known key working from an address that made-up keys have drained, without a lookup', async () => {
    expect((await gateway.request('GET', '/v1/api-keys', { key: gateway.adminKey })).status).toBe(200);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 3; attempt += 1)
      statuses.push((await gateway.request('GET', '/v1/api-keys', { key: issueApiKey().key })).status);
    expect(statuses).toEqual([401, 429, 429]);

    const lookups = jest.spyOn(gateway.provider(ApiKeyRepository), 'findByHash');
    expect((await gateway.request('GET', '/v1/api-keys', { key: gateway.adminKey })).status).toBe(200);
    expect((await gateway.request('GET', '/v1/api-keys', { key: issueApiKey().key })).status).toBe(429);
    expect(lookups).not.toHaveBeenCalled();
    lookups.mockRestore();
  });
});

describe('the API key change listener', () => {
  jest.setTimeout(60_000);
  let gateway: GatewayHarness;
  let database: Client;

  beforeAll(async () => {
    gateway = await GatewayHarness.start('gw_listen');
    database = new Client({ connectionString: gateway.databaseUrl });
    await database.connect();
  });

  afterAll(async () => {
    await database?.end();
    await gateway?.stop();
  });

  it('listens again after its connection is cut, and revocations reach the cache again', async () => {
    const cache = gateway.provider(ApiKeyCache);
    expect((await gateway.request('GET', '/v1/api-keys', { key: gateway.adminKey })).status).toBe(200);
    const hash = hashApiKey(gateway.adminKey);
    expect(cache.isListening).toBe(true);

    await database.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`,
      [LISTENER_APPLICATION_NAME],
    );
    await waitFor(async () => (!cache.isListening ? true : undefined), 5_000, 'the listener to notice');
    expect(cache.cached(hash)).toBeNull();
    await waitFor(async () => (cache.isListening ? true : undefined), 10_000, 'the listener back');

    expect((await gateway.request('GET', '/v1/api-keys', { key: gateway.adminKey })).status).toBe(200);
    const adminKeyId = cache.cached(hash)?.id;
    expect(adminKeyId).toEqual(expect.any(String));
    await database.query(`SELECT pg_notify('api_key_changed', $1)`, [adminKeyId]);
    await waitFor(
      async () => (cache.cached(hash) === null ? true : undefined),
      5_000,
      'the notification to evict the key',
    );
  });
});
