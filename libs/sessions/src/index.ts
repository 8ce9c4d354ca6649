export * from './entities/session.entity';
export * from './session-cleanup';
export * from './sessions.errors';
export * from './sessions.module';
export * from './sessions.service';
export { userProfileKey } from './session-cache';
