export * from './test-env';
export * from './factories';
export * from './redis-server';
