export * from './base-config';
export * from './config';
export * from './database';
export * from './health.rpc.controller';
export * from './logger';
export * from './outbox-relay.module';
export * from './run-service';
export * from './service-tokens';
