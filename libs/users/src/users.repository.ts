import { Page, parseSort } from '@app/common';
import { PreparedSql } from '@app/database';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import { UserEntity, UserRole } from './entities/user.entity';
import { EmailTakenError, UsernameTakenError } from './users.errors';

export interface NewUser {
  username: string;
  email: string;
  passwordHash: string;
  fullName?: string | null;
  role?: UserRole;
  isActive?: boolean;
}

export type UserChanges = Partial<Pick<UserEntity, 'username' | 'email' | 'fullName' | 'role' | 'isActive'>>;

export interface UserListQuery {
  page: number;
  limit: number;
  q?: string;
  role?: UserRole;
  isActive?: boolean;
  sort: string;
}

const SORT_COLUMNS = { created_at: 'u.created_at', username: 'lower(u.username)', email: 'u.email' } as const;
export const USER_SORT_FIELDS = Object.keys(SORT_COLUMNS) as (keyof typeof SORT_COLUMNS)[];

const USER_COLUMNS =
  'id, username, email, password_hash, full_name, role, is_active, created_at, updated_at, password_changed_at';

interface UserRow {
  id: string;
  username: string;
  email: string;
  password_hash: string;
  full_name: string | null;
  role: UserRole;
  is_active: boolean;
  created_at: Date;
  updated_at: Date;
  password_changed_at: Date;
}

const toUser = (row: UserRow): UserEntity =>
  Object.assign(new UserEntity(), {
    id: row.id,
    username: row.username,
    email: row.email,
    passwordHash: row.password_hash,
    fullName: row.full_name,
    role: row.role,
    isActive: row.is_active,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    passwordChangedAt: row.password_changed_at,
  });

/** Queries on `users`. Unique violations become UsernameTaken / EmailTaken here, so callers never see SQL errors. */
@Injectable()
export class UsersRepository {
  constructor(
    @InjectRepository(UserEntity) private readonly repo: Repository<UserEntity>,
    private readonly sql: PreparedSql,
  ) {}

  findById(id: string): Promise<UserEntity | null> {
    return this.repo.findOneBy({ id });
  }

  /** By username (case-insensitive) or email. */
  async findByLogin(login: string): Promise<UserEntity | null> {
    const value = login.trim().toLowerCase();
    // Every login runs it: a prepared statement, mapped by hand (TypeORM's builder was a login's hottest JavaScript).
    const [row] = await this.sql.query<UserRow>(
      `SELECT ${USER_COLUMNS} FROM users WHERE ${value.includes('@') ? 'email = $1' : 'lower(username) = $1'}`,
      [value],
    );
    return row ? toUser(row) : null;
  }

  async existsByUsernameOrEmail(username: string, email: string): Promise<boolean> {
    return this.repo
      .createQueryBuilder('u')
      .where('lower(u.username) = :username OR u.email = :email', {
        username: username.toLowerCase(),
        email: email.toLowerCase(),
      })
      .getExists();
  }

  async create(user: NewUser): Promise<UserEntity> {
    try {
      return await this.repo.save(this.repo.create({ ...user, email: user.email.toLowerCase() }));
    } catch (error) {
      throw translateUniqueViolation(error);
    }
  }

  async update(id: string, changes: UserChanges): Promise<UserEntity | null> {
    const values = { ...changes, ...(changes.email ? { email: changes.email.toLowerCase() } : {}) };
    try {
      if (Object.keys(values).length) await this.repo.update({ id }, values);
    } catch (error) {
      throw translateUniqueViolation(error);
    }
    return this.findById(id);
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.repo.update({ id }, { passwordHash, passwordChangedAt: () => 'now()' });
  }

  /** true when a row was deleted */
  async delete(id: string): Promise<boolean> {
    const result = await this.repo.delete({ id });
    return (result.affected ?? 0) > 0;
  }

  async list(query: UserListQuery): Promise<Page<UserEntity>> {
    const qb = this.repo.createQueryBuilder('u');
    if (query.q) {
      // ILIKE with the wildcards of the user's text escaped: a search, not a pattern language.
      const pattern = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.andWhere('(u.username ILIKE :pattern OR u.email ILIKE :pattern OR u.full_name ILIKE :pattern)', { pattern });
    }
    if (query.role) qb.andWhere('u.role = :role', { role: query.role });
    if (query.isActive !== undefined) qb.andWhere('u.is_active = :isActive', { isActive: query.isActive });
    const [column, direction] = parseSort(query.sort, SORT_COLUMNS);
    qb.orderBy(column, direction)
      .addOrderBy('u.id', 'ASC')
      .offset((query.page - 1) * query.limit)
      .limit(query.limit);
    const [items, total] = await qb.getManyAndCount();
    return { items, total, page: query.page, limit: query.limit };
  }
}

function translateUniqueViolation(error: unknown): unknown {
  if (error instanceof QueryFailedError && (error.driverError as { code?: string })?.code === '23505') {
    const constraint = (error.driverError as { constraint?: string }).constraint ?? '';
    if (constraint.includes('username')) return new UsernameTakenError();
    if (constraint.includes('email')) return new EmailTakenError();
  }
  return error;
}
