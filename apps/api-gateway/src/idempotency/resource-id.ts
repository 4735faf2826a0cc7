import { nameBasedUuid } from '@chargeflow/runtime';

declare module 'fastify' {
  interface FastifyRequest {
    /** The id a create gets when the caller sent an Idempotency-Key: the same for every retry. */
    resourceId?: string;
  }
}

/** The UUID namespace of ChargeFlow's idempotent creates (a fixed, random v4 UUID). */
const NAMESPACE = '0f4c5a6e-2b8d-4c1f-a3e9-7d21b6c08e45';

/**
 * The id of the resource a create makes, as a name-based UUID (RFC 9562 version 5) of the API key,
 * the Idempotency-Key and the request's fingerprint. A retry of the same request with the same key
 * names the same resource, so the service finds what an attempt whose answer was lost created. Any
 * other request, key or caller names another one.
 */
export function resourceIdOf(apiKeyId: string, idempotencyKey: string, fingerprint: string): string {
  return nameBasedUuid(NAMESPACE, `${apiKeyId}\n${idempotencyKey}\n${fingerprint}`);
}
