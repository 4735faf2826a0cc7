import type { ApiRole } from './roles.decorator';

export type ApiKeyStatus = 'active' | 'revoked' | 'expired';

/** An API key as stored: everything but its secret, which only the hash stands for. */
export interface ApiKey {
  id: string;
  name: string;
  role: ApiRole;
  vehicleId: string | null;
  stationId: string | null;
  keyPrefix: string;
  bootstrap: boolean;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export function statusOf(key: ApiKey, now: Date = new Date()): ApiKeyStatus {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && key.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
}
