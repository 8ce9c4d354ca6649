import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { RevokeReason, SessionEntity } from './entities/session.entity';

/** A session with the two user fields authentication needs. */
export interface SessionWithUser {
  session: SessionEntity;
  role: string;
  userActive: boolean;
}

interface SessionUserRow {
  id: string;
  role: string;
  is_active: boolean;
}

/** Queries on `sessions`. Users are joined by table name: Sessions never imports the Users module. */
@Injectable()
export class SessionsRepository {
  constructor(@InjectRepository(SessionEntity) private readonly repo: Repository<SessionEntity>) {}

  insert(
    session: Pick<
      SessionEntity,
      'id' | 'userId' | 'refreshTokenHash' | 'ip' | 'userAgent' | 'idleExpiresAt' | 'expiresAt'
    >,
  ): Promise<SessionEntity> {
    return this.repo.save(this.repo.create({ ...session, refreshCounter: 0 }));
  }

  async findWithUser(sessionId: string): Promise<SessionWithUser | null> {
    const session = await this.repo.findOneBy({ id: sessionId });
    if (!session) return null;
    const [user] = await this.repo.query<SessionUserRow[]>('SELECT id, role, is_active FROM users WHERE id = $1', [
      session.userId,
    ]);
    return user ? { session, role: user.role, userActive: user.is_active } : null;
  }

  /**
   * Compare-and-swap rotation: succeeds only if the session still holds `expectedHash` at `expectedCounter`
   * and is live, so two concurrent refreshes can never both rotate (and never leave two live tokens).
   */
  async rotate(
    sessionId: string,
    expected: { counter: number; hash: string },
    next: { hash: string; idleTimeoutMs: number },
  ): Promise<boolean> {
    const result = await this.repo
      .createQueryBuilder()
      .update(SessionEntity)
      .set({
        refreshCounter: expected.counter + 1,
        refreshTokenHash: next.hash,
        previousRefreshTokenHash: () => 'refresh_token_hash',
        rotatedAt: () => 'now()',
        lastSeenAt: () => 'now()',
        idleExpiresAt: () =>
          `least(now() + make_interval(secs => ${Math.floor(next.idleTimeoutMs / 1000)}), expires_at)`,
      })
      .where('id = :id AND refresh_counter = :counter AND refresh_token_hash = :hash', {
        id: sessionId,
        counter: expected.counter,
        hash: expected.hash,
      })
      .andWhere('revoked_at IS NULL AND expires_at > now() AND idle_expires_at > now()')
      .execute();
    return (result.affected ?? 0) === 1;
  }

  /** Records activity and slides the idle expiry; returns the new expiries, or null if no longer live. */
  async touch(
    sessionId: string,
    idleTimeoutMs: number,
  ): Promise<Pick<SessionEntity, 'idleExpiresAt' | 'expiresAt'> | null> {
    const result = await this.repo
      .createQueryBuilder()
      .update(SessionEntity)
      .set({
        lastSeenAt: () => 'now()',
        idleExpiresAt: () => `least(now() + make_interval(secs => ${Math.floor(idleTimeoutMs / 1000)}), expires_at)`,
      })
      .where('id = :id AND revoked_at IS NULL AND idle_expires_at > now()', { id: sessionId })
      .returning(['idle_expires_at', 'expires_at'])
      .execute();
    const row = (result.raw as { idle_expires_at: Date; expires_at: Date }[])[0];
    return row ? { idleExpiresAt: new Date(row.idle_expires_at), expiresAt: new Date(row.expires_at) } : null;
  }

  /** Revokes one live session; returns its user id, or null when it was not live (idempotent). */
  async revoke(sessionId: string, reason: RevokeReason, by?: string): Promise<string | null> {
    const result = await this.repo
      .createQueryBuilder()
      .update(SessionEntity)
      .set({ revokedAt: () => 'now()', revokedReason: reason, revokedBy: by ?? null })
      .where('id = :id AND revoked_at IS NULL', { id: sessionId })
      .returning(['user_id'])
      .execute();
    return (result.raw as { user_id: string }[])[0]?.user_id ?? null;
  }

  /** Revokes every live session of a user (but one, optionally); returns the revoked ids. */
  async revokeAllForUser(
    userId: string,
    reason: RevokeReason,
    options: { exceptId?: string; by?: string } = {},
  ): Promise<string[]> {
    const qb = this.repo
      .createQueryBuilder()
      .update(SessionEntity)
      .set({ revokedAt: () => 'now()', revokedReason: reason, revokedBy: options.by ?? null })
      .where('user_id = :userId AND revoked_at IS NULL', { userId });
    if (options.exceptId) qb.andWhere('id <> :exceptId', { exceptId: options.exceptId });
    const result = await qb.returning(['id']).execute();
    return (result.raw as { id: string }[]).map((row) => row.id);
  }
}
