import { KeyValueStore } from '@app/redis';
import { userProfileKey as key } from '@app/sessions';
import { Injectable, Logger } from '@nestjs/common';
import type { UserEntity } from './entities/user.entity';

/** The cached fields: everything a profile response shows, never the password hash. */
type CachedProfile = Omit<UserEntity, 'passwordHash'>;

/** Short: the cache only has to absorb bursts of GET /users/me; every change rewrites it anyway. */
const PROFILE_TTL_MS = 60_000;

/**
 * Profiles for GET /users/me, so the hot path of an authenticated request touches no table.
 * Warming uses SET NX and every change overwrites the entry (or deletes it), so a warm that read Postgres
 * before a change can't put the old profile back. Redis failures fall back to Postgres.
 */
@Injectable()
export class UserProfileCache {
  private readonly logger = new Logger('UserProfileCache');

  constructor(private readonly store: KeyValueStore) {}

  async get(userId: string): Promise<CachedProfile | undefined> {
    try {
      const raw = await this.store.get(key(userId));
      return raw ? this.parse(raw) : undefined;
    } catch {
      return undefined;
    }
  }

  /** An entry as read elsewhere (the session check reads it beside the session), or undefined if unreadable. */
  parse(raw: string): CachedProfile | undefined {
    try {
      return revive(JSON.parse(raw) as CachedProfile);
    } catch {
      return undefined;
    }
  }

  async warm(user: UserEntity): Promise<void> {
    await this.store.set(key(user.id), encode(user), PROFILE_TTL_MS, { onlyIfAbsent: true }).catch(() => undefined);
  }

  /** After a change: the new profile replaces whatever is cached. */
  async replace(user: UserEntity): Promise<void> {
    await this.store.set(key(user.id), encode(user), PROFILE_TTL_MS).catch(() => this.evict(user.id));
  }

  /** Best effort: with Redis unreachable the entry (if any) expires within PROFILE_TTL_MS. */
  async evict(userId: string): Promise<void> {
    await this.store.del(key(userId)).catch((error: unknown) => {
      this.logger.warn(`could not evict profile ${userId}: ${(error as Error).message}`);
    });
  }
}

function encode(user: UserEntity): string {
  const { passwordHash: _omitted, ...profile } = user;
  return JSON.stringify(profile);
}

function revive(profile: CachedProfile): CachedProfile {
  return {
    ...profile,
    createdAt: new Date(profile.createdAt),
    updatedAt: new Date(profile.updatedAt),
    passwordChangedAt: new Date(profile.passwordChangedAt),
  };
}
