import type { ApiKey } from './api-key';

/** Test fixture: an API key as stored, overridable. */
export const anApiKey = (overrides: Partial<ApiKey> = {}): ApiKey => ({
  id: '3f2b8c1d-9a4e-4f6b-8d2c-1e5a7b9c0d3f',
  name: 'depot-7 dispatch console',
  role: 'operator',
  vehicleId: null,
  stationId: null,
  keyPrefix: 'cf_Q3x9Zk',
  bootstrap: false,
  createdAt: new Date('2026-01-01T00:00:00.000Z'),
  expiresAt: null,
  revokedAt: null,
  ...overrides,
});
