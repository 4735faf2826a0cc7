import {
  API_KEY_PREFIX,
  bearerKeyOf,
  displayPrefixOf,
  hashApiKey,
  issueApiKey,
  MIN_API_KEY_LENGTH,
} from './api-key-secret';

describe('API key secrets', () => {
  it('issues distinct prefixed keys whose hash is what is stored', () => {
    const first = issueApiKey();
    const second = issueApiKey();
    expect(first.key).not.toBe(second.key);
    expect(first.key.startsWith(API_KEY_PREFIX)).toBe(true);
    expect(first.key.length).toBeGreaterThanOrEqual(MIN_API_KEY_LENGTH);
    expect(first.hash).toBe(hashApiKey(first.key));
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(first.prefix).toBe(displayPrefixOf(first.key));
    expect(first.key.startsWith(first.prefix)).toBe(true);
  });

  it('verifies a key by its hash only: one changed character gives another hash', () => {
    const { key, hash } = issueApiKey();
    const tampered = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    expect(hashApiKey(key)).toBe(hash);
    expect(hashApiKey(tampered)).not.toBe(hash);
  });

  it('reads the key of a bearer authorization header and nothing else', () => {
    const { key } = issueApiKey();
    expect(bearerKeyOf(`Bearer ${key}`)).toBe(key);
    expect(bearerKeyOf(`bearer ${key}`)).toBe(key);
    expect(bearerKeyOf(undefined)).toBeNull();
    expect(bearerKeyOf(`Basic ${key}`)).toBeNull();
    expect(bearerKeyOf('Bearer short')).toBeNull();
    expect(bearerKeyOf(`Bearer ${key} extra`)).toBeNull();
    expect(bearerKeyOf([`Bearer ${key}`])).toBeNull();
  });
});
