import type { ApiRole } from './roles.decorator';

/** Who is calling: the API key the request was authenticated with. */
export interface Principal {
  keyId: string;
  name: string;
  role: ApiRole;
  /** A device key acts only for this vehicle or this station. */
  vehicleId: string | null;
  stationId: string | null;
}

/** Why a request carries no principal; told to the caller as a 401 with this code. */
export type AuthenticationFailure = 'UNAUTHENTICATED' | 'API_KEY_INVALID' | 'API_KEY_REVOKED' | 'API_KEY_EXPIRED';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    authenticationFailure?: AuthenticationFailure;
  }
}
