export * from './database.module';
export * from './data-source-options';
export * from './migrations';
export * from './snake-naming.strategy';
export * from './sql';
export * from './prepared-sql';
