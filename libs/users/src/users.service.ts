import { Page, RequestAuthContext, ValidationFailedError } from '@app/common';
import { SessionsService } from '@app/sessions';
import { Injectable, Logger } from '@nestjs/common';
import { CreateUserDto, RegisterUserDto } from './dto/create-user.dto';
import { ListUsersQueryDto } from './dto/list-users-query.dto';
import { AdminUpdateUserDto, UpdateProfileDto } from './dto/update-user.dto';
import { UserEntity } from './entities/user.entity';
import { PasswordHasher } from './password/password-hasher';
import { checkPassword } from './password/password-policy';
import { UserProfileCache } from './user-profile-cache';
import { UserChanges, UsersRepository } from './users.repository';
import {
  CannotDeleteSelfError,
  CannotDemoteSelfError,
  EmailTakenError,
  ForbiddenError,
  UserNotFoundError,
  UsernameTakenError,
} from './users.errors';

/** Accounts: creation with the password policy, credentials, profile and admin changes, and what they revoke. */
@Injectable()
export class UsersService {
  private readonly audit = new Logger('Audit');

  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly profiles: UserProfileCache,
  ) {}

  register(dto: RegisterUserDto): Promise<UserEntity> {
    return this.create({ ...dto, role: 'user', is_active: true });
  }

  async create(dto: CreateUserDto): Promise<UserEntity> {
    const problems = checkPassword(dto.password, dto);
    if (problems.length) throw new ValidationFailedError(problems);
    // Cheap uniqueness check first, so a taken name costs no argon2 hash; the unique index still decides races.
    if (await this.users.existsByUsernameOrEmail(dto.username, dto.email)) {
      const byName = await this.users.findByLogin(dto.username);
      throw byName ? new UsernameTakenError() : new EmailTakenError();
    }
    return this.users.create({
      username: dto.username,
      email: dto.email,
      passwordHash: await this.hasher.hash(dto.password),
      fullName: dto.full_name ?? null,
      role: dto.role ?? 'user',
      isActive: dto.is_active ?? true,
    });
  }

  /**
   * The user these credentials belong to, or null — after the same argon2 work whether the user is unknown,
   * inactive or the password wrong, so that timing doesn't tell them apart.
   */
  async verifyCredentials(login: string, password: string): Promise<UserEntity | null> {
    const user = await this.users.findByLogin(login);
    if (!user) return this.hasher.verifyDummy(password).then(() => null);
    const valid = await this.hasher.verify(user.passwordHash, password);
    return valid && user.isActive ? user : null;
  }

  /** GET /users/me: from the profile cache when it has it (no table on the hot path), else Postgres. */
  async getProfile(id: string, readWithSession?: string): Promise<Omit<UserEntity, 'passwordHash'>> {
    // The guard's session check usually read the entry already (userProfileKey); else ask the cache.
    const fromSessionCheck = readWithSession === undefined ? undefined : this.profiles.parse(readWithSession);
    const cached = fromSessionCheck?.id === id ? fromSessionCheck : await this.profiles.get(id);
    if (cached) return cached;
    const user = await this.get(id);
    await this.profiles.warm(user);
    return user;
  }

  async get(id: string): Promise<UserEntity> {
    const user = await this.users.findById(id);
    if (!user) throw new UserNotFoundError();
    return user;
  }

  /** Admins see anyone; others only themselves (403, since the id is the caller's to know). */
  async getAs(actor: RequestAuthContext, id: string): Promise<UserEntity> {
    if (actor.role !== 'admin' && actor.userId !== id) throw new ForbiddenError();
    return this.get(id);
  }

  list(query: ListUsersQueryDto): Promise<Page<UserEntity>> {
    return this.users.list({
      page: query.page,
      limit: query.limit,
      q: query.q,
      role: query.role,
      isActive: query.is_active,
      sort: query.sort,
    });
  }

  async updateProfile(userId: string, dto: UpdateProfileDto): Promise<UserEntity> {
    return this.apply(userId, profileChanges(dto));
  }

  /** PATCH /users/{id}: admins may change anything of anyone but demote or deactivate themselves. */
  async updateAs(actor: RequestAuthContext, id: string, dto: AdminUpdateUserDto): Promise<UserEntity> {
    if (actor.role !== 'admin') {
      if (actor.userId !== id) throw new ForbiddenError();
      if (dto.role !== undefined || dto.is_active !== undefined) {
        throw new ForbiddenError('Only an admin can change a role or an account status.');
      }
      return this.updateProfile(id, dto);
    }
    if (actor.userId === id && (dto.role === 'user' || dto.is_active === false)) throw new CannotDemoteSelfError();

    const before = await this.get(id);
    const changes: UserChanges = { ...profileChanges(dto) };
    if (dto.role !== undefined) changes.role = dto.role;
    if (dto.is_active !== undefined) changes.isActive = dto.is_active;
    const after = await this.apply(id, changes);

    if (before.isActive && !after.isActive) {
      await this.sessions.revokeAllForUser(id, 'user_deactivated', { by: actor.userId });
    }
    if (before.role !== after.role || before.isActive !== after.isActive) {
      await this.sessions.userChanged(id);
      this.audit.log(
        { event: 'user_changed', user_id: id, by: actor.userId, role: after.role, is_active: after.isActive },
        'user role or status changed',
      );
    }
    return after;
  }

  async delete(actor: RequestAuthContext, id: string): Promise<void> {
    if (actor.userId === id) throw new CannotDeleteSelfError();
    await this.get(id);
    // Revoke first (marks the cache) — the rows then go with the user (ON DELETE CASCADE).
    await this.sessions.revokeAllForUser(id, 'user_deleted', { by: actor.userId });
    await this.users.delete(id);
    await this.profiles.evict(id);
    this.audit.log({ event: 'user_deleted', user_id: id, by: actor.userId }, 'user deleted');
  }

  /** Changes the password after checking the current one, and ends every other session of the user. */
  async changePassword(actor: RequestAuthContext, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.get(actor.userId);
    if (!(await this.hasher.verify(user.passwordHash, currentPassword))) {
      throw new ValidationFailedError([{ field: 'current_password', message: 'current_password is incorrect' }]);
    }
    const problems = checkPassword(newPassword, user, 'new_password');
    if (problems.length) throw new ValidationFailedError(problems);
    await this.users.setPasswordHash(user.id, await this.hasher.hash(newPassword));
    await this.sessions.revokeAllForUser(user.id, 'password_change', { exceptSessionId: actor.sessionId });
  }

  /** Creates an admin unless a user with this username or email exists; returns whether it did. */
  async ensureAdmin(seed: { username: string; email: string; password: string }): Promise<boolean> {
    if (await this.users.existsByUsernameOrEmail(seed.username, seed.email)) return false;
    try {
      await this.create({ ...seed, role: 'admin', is_active: true });
      return true;
    } catch (error) {
      // another instance starting at the same moment created it
      if (error instanceof UsernameTakenError || error instanceof EmailTakenError) return false;
      throw error;
    }
  }

  private async apply(id: string, changes: UserChanges): Promise<UserEntity> {
    const updated = await this.users.update(id, changes);
    if (!updated) throw new UserNotFoundError();
    await this.profiles.replace(updated);
    return updated;
  }
}

function profileChanges(dto: UpdateProfileDto): UserChanges {
  const changes: UserChanges = {};
  if (dto.username !== undefined) changes.username = dto.username;
  if (dto.email !== undefined) changes.email = dto.email;
  if (dto.full_name !== undefined) changes.fullName = dto.full_name;
  return changes;
}
