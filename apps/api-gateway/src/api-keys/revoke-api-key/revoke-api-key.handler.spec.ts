import { anApiKey } from '../../auth/api-key.test-builders';
import { ProblemException } from '../../problem/problem';
import { RevokeApiKeyHandler } from './revoke-api-key.handler';

describe('revoking an API key', () => {
  const key = anApiKey();
  const revokedNow = () => ({ ...key, revokedAt: new Date() });

  function revoking() {
    const apiKeys = { revoke: jest.fn(async (id: string) => (id === key.id ? revokedNow() : null)) };
    const cache = { forget: jest.fn() };
    return { apiKeys, cache, handler: new RevokeApiKeyHandler(apiKeys, cache) };
  }

  it('stores the key as revoked and drops it from this instance’s cache at once', async () => {
    const { apiKeys, cache, handler } = revoking();
    await handler.execute(key.id);
    expect(apiKeys.revoke).toHaveBeenCalledWith(key.id);
    expect(cache.forget).toHaveBeenCalledWith(key.id);
  });

  it('answers API_KEY_NOT_FOUND for a key that does not exist, and forgets nothing', async () => {
    const { cache, handler } = revoking();
    const error = await handler.execute('00000000-0000-4000-8000-000000000000').catch((refused: unknown) => refused);
    expect(error).toBeInstanceOf(ProblemException);
    expect(error).toMatchObject({ code: 'API_KEY_NOT_FOUND' });
    expect(cache.forget).not.toHaveBeenCalled();
  });
});
