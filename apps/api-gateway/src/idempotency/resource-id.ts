import { createHash } from 'node:crypto';

declare module 'fastify' {
  interface FastifyRequest {
    /** The id a create gets when the caller sent an Idempotency-Key: the same for every retry. */
    resourceId?: string;
  }
}

/** The UUID namespace of ChargeFlow's idempotent creates (a fixed, random v4 UUID). */
const NAMESPACE = Buffer.from('0f4c5a6e2b8d4c1fa3e97d21b6c08e45', 'hex');

/**
 * The id of the resource a create makes, as a name-based UUID (RFC 9562 version 5) of the API key,
 * the Idempotency-Key and the request's fingerprint. A retry of the same request with the same key
 * names the same resource, so the service finds what an attempt whose answer was lost created. Any
 * other request, key or caller names another one.
 */
export function resourceIdOf(apiKeyId: string, idempotencyKey: string, fingerprint: string): string {
  const bytes = createHash('sha1').update(NAMESPACE).update(`${apiKeyId}\n${idempotencyKey}\n${fingerprint}`, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
