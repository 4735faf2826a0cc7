import type { ApiKey } from '../../auth/api-key';
import { displayPrefixOf, hashApiKey } from '../../auth/api-key-secret';
import { ApiKeyNameTakenError, type ApiKeyRepository, type NewApiKey } from '../../auth/api-key.repository';
import { anApiKey } from '../../auth/api-key.test-builders';
import { ProblemException } from '../../problem/problem';
import type { CreateApiKeyRequest } from '../api-key.dto';
import { CreateApiKeyHandler } from './create-api-key.handler';

/** Stores keys in memory; like the database, it refuses a second active key of one name. */
class InMemoryApiKeys implements Pick<ApiKeyRepository, 'create'> {
  readonly stored: NewApiKey[] = [];

  async create(key: NewApiKey): Promise<ApiKey> {
    if (this.stored.some((other) => other.name === key.name)) throw new ApiKeyNameTakenError(key.name);
    this.stored.push(key);
    const { keyHash, ...kept } = key;
    return anApiKey(kept);
  }
}

const aRequest = (overrides: Partial<CreateApiKeyRequest> = {}): CreateApiKeyRequest => ({
  name: 'bike 7',
  role: 'device',
  vehicleId: 'vehicle-7',
  ...overrides,
});

describe('creating an API key', () => {
  let apiKeys: InMemoryApiKeys;
  let handler: CreateApiKeyHandler;
  beforeEach(() => {
    apiKeys = new InMemoryApiKeys();
    handler = new CreateApiKeyHandler(apiKeys);
  });

  /** What the handler answered for a request that breaks a rule; nothing may have been stored. */
  async function refusalOf(request: CreateApiKeyRequest): Promise<ProblemException> {
    const error = await handler.execute(request).then(
      () => new Error('the key was created'),
      (refused: unknown) => refused,
    );
    expect(error).toBeInstanceOf(ProblemException);
    expect(apiKeys.stored.filter((key) => key.name === request.name)).toHaveLength(0);
    return error as ProblemException;
  }

  it('hands the secret over once and stores only its hash', async () => {
    const created = await handler.execute(aRequest());
    expect(created).toMatchObject({ name: 'bike 7', role: 'device', vehicleId: 'vehicle-7', status: 'active' });
    expect(apiKeys.stored).toEqual([expect.objectContaining({ keyHash: hashApiKey(created.key) })]);
    expect(created.keyPrefix).toBe(displayPrefixOf(created.key));
    expect(created).not.toHaveProperty('keyHash');
  });

  it('binds a device key to exactly one vehicle or station', async () => {
    await expect(
      handler.execute(aRequest({ name: 'dock 4', vehicleId: undefined, stationId: 's-4' })),
    ).resolves.toBeDefined();
    for (const binding of [{ vehicleId: undefined }, { stationId: 'station-4' }]) {
      expect(await refusalOf(aRequest({ name: 'unbound', ...binding }))).toMatchObject({
        code: 'VALIDATION_FAILED',
        extensions: { errors: [{ field: 'vehicleId' }] },
      });
    }
  });

  it('binds no other key to a vehicle or station', async () => {
    expect(await refusalOf(aRequest({ role: 'operator' }))).toMatchObject({
      code: 'VALIDATION_FAILED',
      extensions: { errors: [{ field: 'vehicleId' }] },
    });
    expect(await refusalOf(aRequest({ role: 'analyst', vehicleId: undefined, stationId: 's-4' }))).toMatchObject({
      code: 'VALIDATION_FAILED',
      extensions: { errors: [{ field: 'stationId' }] },
    });
  });

  it('takes an expiry that lies ahead, and refuses one that has passed', async () => {
    const created = await handler.execute(aRequest({ expiresAt: '2999-01-01T00:00:00Z' }));
    expect(created.expiresAt).toBe('2999-01-01T00:00:00.000Z');
    expect(await refusalOf(aRequest({ name: 'late', expiresAt: '2020-01-01T00:00:00Z' }))).toMatchObject({
      code: 'VALIDATION_FAILED',
      extensions: { errors: [{ field: 'expiresAt' }] },
    });
  });

  it('refuses a name an active key already has', async () => {
    await handler.execute(aRequest());
    const error = await handler.execute(aRequest()).catch((refused: unknown) => refused);
    expect(error).toBeInstanceOf(ProblemException);
    expect(error).toMatchObject({ code: 'API_KEY_NAME_TAKEN', extensions: { name: 'bike 7' } });
    expect(apiKeys.stored).toHaveLength(1);
  });
});
