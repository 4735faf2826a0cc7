import { createHash, randomBytes } from 'node:crypto';

/** Every generated key starts with this, so a leaked key is recognisable (e.g. by secret scanners). */
export const API_KEY_PREFIX = 'cf_';

/** The shortest key accepted at all: the bootstrap key from the environment must be at least this long. */
export const MIN_API_KEY_LENGTH = 32;

const MAX_API_KEY_LENGTH = 256;

/** A key the gateway can read from a bearer header at all: 32 to 256 characters without spaces. */
export function isWellFormedApiKey(key: string): boolean {
  return key.length >= MIN_API_KEY_LENGTH && key.length <= MAX_API_KEY_LENGTH && /^\S+$/.test(key);
}

export interface IssuedApiKey {
  /** The secret, shown to its owner once and never stored. */
  key: string;
  hash: string;
  /** The first characters, stored so that a key can be recognised in a list without its secret. */
  prefix: string;
}

/**
 * Keys carry 256 random bits, so a fast SHA-256 is enough to store them: unlike passwords they cannot
 * be guessed from a dictionary, and a slow hash on every request would cost the latency budget.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function displayPrefixOf(key: string): string {
  return key.slice(0, API_KEY_PREFIX.length + 6);
}

export function issueApiKey(): IssuedApiKey {
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { key, hash: hashApiKey(key), prefix: displayPrefixOf(key) };
}

/** The key of an `Authorization: Bearer <key>` header, or null when the header is absent or not a bearer token. */
export function bearerKeyOf(authorization: string | string[] | undefined): string | null {
  if (typeof authorization !== 'string') return null;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
  if (!match) return null;
  return isWellFormedApiKey(match[1]) ? match[1] : null;
}
