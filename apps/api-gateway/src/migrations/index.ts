/** Applied in this order at start-up; the gateway's own tables (API keys, idempotency keys) arrive with the gateway issue. */
export const gatewayMigrations: Function[] = [];
