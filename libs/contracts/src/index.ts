export * from './deployment';
export * from './envelope';
export * from './exchanges';
export * from './services';
export * from './metrics/metrics-report';
export * from './rpc/rpc-reply';
export * from './rpc/rpc-patterns';
export * from './health/health-report';
