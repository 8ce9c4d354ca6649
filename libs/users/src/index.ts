export * from './dto/create-user.dto';
export * from './dto/user-response.dto';
export * from './entities/user.entity';
export * from './password/password-policy';
export * from './users.errors';
export * from './users.module';
export * from './users.service';
