export * from './auth.errors';
export * from './auth.module';
export * from './auth-cookies';
