export * from './app-config';
export * from './config.module';
export { ConfigValidationError, EXAMPLE_JWT_SECRET, ENV_VARIABLE_NAMES } from './env.validation';
