import { CreateApiKeys1765000000000 } from './1765000000000-create-api-keys';
import { CreateIdempotencyRecords1765000000001 } from './1765000000001-create-idempotency-records';
import { CreateDeviceCredentials1765000000002 } from './1765000000002-create-device-credentials';

/** Applied in this order at start-up. */
export const gatewayMigrations: Function[] = [
  CreateApiKeys1765000000000,
  CreateIdempotencyRecords1765000000001,
  CreateDeviceCredentials1765000000002,
];
