export * from './build';
export * from './infrastructure';
export * from './process';
export * from './provision';
export * from './settings';
export * from './stack';
export * from './topology-step';
export * from './bench-results';
