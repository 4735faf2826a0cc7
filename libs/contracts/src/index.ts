import 'reflect-metadata';

export * from './common/decimal-string';
export * from './common/pagination';
export * from './deployment';
export * from './envelope';
export * from './exchanges';
export * from './queues';
export * from './services';
export * from './rpc/rpc-reply';
export * from './rpc/rpc-patterns';
export * from './rpc/domain-error';
export * from './health/health-report';
export * from './fleet/fleet-rpc';
export * from './sessions/session-kinds';
export * from './sessions/session-rpc';
export * from './sessions/session-started.v1';
export * from './sessions/session-finalized.v1';
export * from './telemetry/seal';
