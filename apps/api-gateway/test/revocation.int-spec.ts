import { Client } from 'pg';
import { waitFor } from '@chargeflow/testing';
import { hashApiKey } from '../src/auth/api-key-secret';
import { ApiKeyCache, LISTENER_APPLICATION_NAME } from '../src/auth/api-key.cache';
import { ApiKeyRepository } from '../src/auth/api-key.repository';
import { GatewayHarness } from './gateway.harness';

describe('revocation across gateway instances', () => {
  jest.setTimeout(90_000);
  let first: GatewayHarness;
  let second: GatewayHarness;

  beforeAll(async () => {
    first = await GatewayHarness.start('gw_revoke');
    second = await GatewayHarness.start('gw_revoke', {}, [], first);
  });

  afterAll(async () => {
    await second?.stop();
    await first?.stop();
  });

  it('refuses a key on the second instance right after the first revokes it, although its lookup raced the revoke', async () => {
    const operator = await first.createKey('operator');
    const cache = second.provider(ApiKeyCache);
    const repository = second.provider(ApiKeyRepository);
    const original = repository.findByHash.bind(repository);
    const forgotten = jest.spyOn(cache, 'forget');
    let lookupRead!: () => void;
    const lookupHasRead = new Promise<void>((resolve) => (lookupRead = resolve));
    // The second instance's lookup reads the key while it is active, and answers only once the revocation has reached that instance.
    const lookups = jest.spyOn(repository, 'findByHash').mockImplementationOnce(async (hash) => {
      const found = await original(hash);
      lookupRead();
      await waitFor(async () => forgotten.mock.calls.length > 0 || undefined, 10_000, 'the revocation notice');
      return found;
    });
    try {
      const inFlight = second.request('GET', '/metrics', { key: operator.key });
      await lookupHasRead;
      expect((await first.request('DELETE', `/v1/api-keys/${operator.id}`, { key: first.adminKey })).status).toBe(204);
      expect((await inFlight).status).toBe(200);

      expect(cache.cached(hashApiKey(operator.key))).toBeNull();
      expect(await second.request('GET', '/metrics', { key: operator.key })).toMatchObject({
        status: 401,
        body: { code: 'API_KEY_REVOKED' },
      });
    } finally {
      lookups.mockRestore();
      forgotten.mockRestore();
    }
  });

  it('refuses on the second instance a key the first revoked while the second had it cached', async () => {
    const operator = await first.createKey('operator');
    expect((await second.request('GET', '/metrics', { key: operator.key })).status).toBe(200);
    expect(second.provider(ApiKeyCache).cached(hashApiKey(operator.key))).not.toBeNull();
    expect((await first.request('DELETE', `/v1/api-keys/${operator.id}`, { key: first.adminKey })).status).toBe(204);
    const refused = await waitFor(
      async () => {
        const answer = await second.request('GET', '/metrics', { key: operator.key });
        return answer.status === 401 ? answer : undefined;
      },
      1_000,
      'the second instance to refuse the revoked key',
    );
    expect(refused.body.code).toBe('API_KEY_REVOKED');
  });

  it('checks the database for every request while its listener is down, caching nothing', async () => {
    const operator = await first.createKey('operator');
    const cache = second.provider(ApiKeyCache);
    const database = new Client({ connectionString: second.databaseUrl });
    await database.connect();
    try {
      const { rows } = await database.query(
        `SELECT pg_terminate_backend(pid) AS cut FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`,
        [LISTENER_APPLICATION_NAME],
      );
      expect(rows.length).toBeGreaterThanOrEqual(1);
      await waitFor(async () => (!cache.isListening ? true : undefined), 5_000, 'the listener to notice');
      expect((await second.request('GET', '/metrics', { key: operator.key })).status).toBe(200);
      const listeningAgain = cache.isListening;
      if (!listeningAgain) expect(cache.cached(hashApiKey(operator.key))).toBeNull();
      await database.query('UPDATE api_key SET revoked_at = now() WHERE id = $1', [operator.id]);
      expect((await second.request('GET', '/metrics', { key: operator.key })).status).toBe(401);
      await waitFor(async () => (cache.isListening ? true : undefined), 10_000, 'the listener back');
    } finally {
      await database.end();
    }
  });
});

describe('a cached key past its TTL', () => {
  jest.setTimeout(60_000);
  let gateway: GatewayHarness;

  beforeAll(async () => {
    gateway = await GatewayHarness.start('gw_max_age', {
      API_KEY_CACHE_TTL_MS: '1',
      API_KEY_CACHE_MAX_AGE_MS: '1500',
      RATE_LIMIT_ADDRESS_PER_MINUTE: '1',
      RATE_LIMIT_ADDRESS_BURST: '2',
    });
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it('lets its holder in from a drained address only until API_KEY_CACHE_MAX_AGE_MS, then asks the database again', async () => {
    const lookups = jest.spyOn(gateway.provider(ApiKeyRepository), 'findByHash');
    try {
      expect((await gateway.request('GET', '/v1/api-keys', { key: gateway.adminKey })).status).toBe(200);
      expect((await gateway.request('GET', '/v1/api-keys', { key: 'cf_made-up' })).status).toBe(401);
      expect((await gateway.request('GET', '/v1/api-keys', { key: gateway.adminKey })).status).toBe(200);
      expect(lookups).toHaveBeenCalledTimes(1);

      await new Promise((resolve) => setTimeout(resolve, 1_600));
      expect((await gateway.request('GET', '/v1/api-keys', { key: gateway.adminKey })).status).toBe(429);
      expect(lookups).toHaveBeenCalledTimes(1);
    } finally {
      lookups.mockRestore();
    }
  });
});
