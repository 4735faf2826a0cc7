export * from './isolated-database';
export * from './isolated-vhost';
export * from './test-infrastructure';
export * from './wait-for';
export * from './silent-logger';
export * from './stack-environment';
export * from './own-postgres';
