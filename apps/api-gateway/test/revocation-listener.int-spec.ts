import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { waitFor } from '@chargeflow/testing';
import { hashApiKey } from '../src/auth/api-key-secret';
import { ApiKeyCache, LISTENER_APPLICATION_NAME } from '../src/auth/api-key.cache';
import { FreezableProxy } from './freezable-proxy';
import { GatewayHarness } from './gateway.harness';

const run = promisify(execFile);

/**
 * The revocation listener of one gateway instance (`watched`, reaching PostgreSQL through a proxy that
 * can silence its listener's connection) while another instance (`first`) revokes keys. Its cache TTL
 * is a minute, so a revoked key it refuses within a second was refused because of the listener, never
 * because its entry aged out.
 */
describe('the revocation listener of a gateway instance', () => {
  jest.setTimeout(120_000);
  let first: GatewayHarness;
  let watched: GatewayHarness;
  let proxy: FreezableProxy;
  let database: Client;

  /** The backend pid of `watched`'s listener, found by the proxy's port towards PostgreSQL. */
  const listenerPid = async (): Promise<number | undefined> => {
    const ports = proxy.watched().map((connection) => connection.upstreamPort);
    const { rows } = await database.query(
      `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database() AND client_port = ANY($2::int[])`,
      [LISTENER_APPLICATION_NAME, ports],
    );
    return (rows[0] as { pid: number } | undefined)?.pid;
  };

  /** A new operator key that `watched` has just let in and cached. */
  const aKeyCachedByWatched = async () => {
    const operator = await first.createKey('operator');
    expect((await watched.request('GET', '/metrics', { key: operator.key })).status).toBe(200);
    expect(watched.provider(ApiKeyCache).cached(hashApiKey(operator.key))).not.toBeNull();
    return operator;
  };

  /** `watched` answers 401 API_KEY_REVOKED for the key within `withinMs`. */
  const expectRefusedWithin = async (key: string, withinMs: number) => {
    const refused = await waitFor(
      async () => {
        const answer = await watched.request('GET', '/metrics', { key });
        return answer.status === 401 ? answer : undefined;
      },
      withinMs,
      'the watched instance to refuse the revoked key',
      50,
    );
    expect(refused.body.code).toBe('API_KEY_REVOKED');
  };

  const revokeOnFirst = async (id: string) =>
    expect((await first.request('DELETE', `/v1/api-keys/${id}`, { key: first.adminKey })).status).toBe(204);

  beforeAll(async () => {
    first = await GatewayHarness.start('gw_listener');
    const target = new URL(first.databaseUrl);
    proxy = await FreezableProxy.start(
      { host: target.hostname, port: Number(target.port || 5432) },
      LISTENER_APPLICATION_NAME,
    );
    const proxied = new URL(first.databaseUrl);
    proxied.port = String(proxy.port);
    watched = await GatewayHarness.start(
      'gw_listener',
      { GATEWAY_DATABASE_URL: proxied.toString(), API_KEY_CACHE_TTL_MS: '60000', API_KEY_CACHE_MAX_AGE_MS: '60000' },
      [],
      first,
    );
    database = new Client({ connectionString: first.databaseUrl });
    await database.connect();
    await waitFor(async () => (await listenerPid()) ?? undefined, 10_000, 'the watched listener');
  });

  afterAll(async () => {
    await database?.end();
    await watched?.stop();
    await proxy?.stop();
    await first?.stop();
  });

  it('keeps its connection with TCP keep-alive on', async () => {
    const [{ clientPort }] = proxy.watched();
    const { stdout } = await run('ss', ['-tnoH', 'state', 'established', `( sport = :${clientPort} )`]);
    expect(stdout).toContain('timer:(keepalive');
  });

  it('refuses within a second a key revoked while its listener was cut, from the database, and listens again by itself', async () => {
    const cache = watched.provider(ApiKeyCache);
    const operator = await aKeyCachedByWatched();
    const cut = (await listenerPid()) as number;
    await database.query('SELECT pg_terminate_backend($1)', [cut]);
    // The notice of this revocation goes to a listener that no longer exists.
    await revokeOnFirst(operator.id);
    await expectRefusedWithin(operator.key, 1_000);

    const back = await waitFor(
      async () => (cache.isListening ? await listenerPid() : undefined),
      10_000,
      'the listener to reconnect by itself',
    );
    expect(back).not.toBe(cut);
    // Listening again: a revocation reaches it by notice, well inside its one-minute TTL.
    const next = await aKeyCachedByWatched();
    await revokeOnFirst(next.id);
    await expectRefusedWithin(next.key, 1_000);
  });

  it('cuts a listener whose connection stops answering (its heartbeat), refuses what was revoked meanwhile, and listens again', async () => {
    const cache = watched.provider(ApiKeyCache);
    const operator = await aKeyCachedByWatched();
    const silenced = (await listenerPid()) as number;
    expect(proxy.freezeWatched()).toBe(1);
    await revokeOnFirst(operator.id);
    // The connection stays open but silent: only the heartbeat (every 5 s, 2 s to answer) can notice.
    await waitFor(async () => (!cache.isListening ? true : undefined), 10_000, 'the heartbeat to cut the listener');
    await expectRefusedWithin(operator.key, 1_000);
    const back = await waitFor(
      async () => (cache.isListening ? await listenerPid() : undefined),
      10_000,
      'the listener to reconnect by itself',
    );
    expect(back).not.toBe(silenced);
    const next = await aKeyCachedByWatched();
    await revokeOnFirst(next.id);
    await expectRefusedWithin(next.key, 1_000);
  });
});
