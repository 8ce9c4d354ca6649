export * from './entities/session.entity';
export * from './sessions.errors';
export * from './sessions.module';
export * from './sessions.service';
