import { PreparedSql } from '@app/database';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, SelectQueryBuilder } from 'typeorm';
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

export interface CachePurge {
  id: string;
  sessionIds: string[];
  userId: string | null;
}

export interface AdminSessionFilter {
  userId?: string;
  active?: boolean;
  page: number;
  limit: number;
}

/** Queries on `sessions`. Users are joined by table name: Sessions never imports the Users module. */
@Injectable()
export class SessionsRepository {
  constructor(
    @InjectRepository(SessionEntity) private readonly repo: Repository<SessionEntity>,
    private readonly sql: PreparedSql,
  ) {}

  async insert(
    session: Pick<
      SessionEntity,
      'id' | 'userId' | 'refreshTokenHash' | 'ip' | 'userAgent' | 'idleExpiresAt' | 'expiresAt'
    >,
  ): Promise<SessionEntity> {
    // Every login runs it: one prepared INSERT … RETURNING (save() was BEGIN/INSERT/COMMIT, and TypeORM's
    // insert builder a fifth of a login's JavaScript).
    const [generated] = await this.sql.query<{ created_at: Date; last_seen_at: Date }>(
      `INSERT INTO sessions (id, user_id, refresh_token_hash, refresh_counter, ip, user_agent, idle_expires_at, expires_at)
       VALUES ($1, $2, $3, 0, $4, $5, $6, $7) RETURNING created_at, last_seen_at`,
      [
        session.id,
        session.userId,
        session.refreshTokenHash,
        session.ip,
        session.userAgent,
        session.idleExpiresAt,
        session.expiresAt,
      ],
    );
    return this.repo.create({
      ...session,
      refreshCounter: 0,
      previousRefreshTokenHash: null,
      rotatedAt: null,
      revokedAt: null,
      revokedReason: null,
      revokedBy: null,
      createdAt: generated.created_at,
      lastSeenAt: generated.last_seen_at,
    });
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

  /** Live sessions of a user, newest first. */
  listLiveForUser(userId: string): Promise<SessionEntity[]> {
    return this.live(this.repo.createQueryBuilder('s').where('s.user_id = :userId', { userId }))
      .orderBy('s.created_at', 'DESC')
      .addOrderBy('s.id', 'ASC')
      .getMany();
  }

  /** A live session of this user, or null (someone else's session is "not found", never "forbidden"). */
  findLiveOwned(userId: string, sessionId: string): Promise<SessionEntity | null> {
    return this.live(
      this.repo.createQueryBuilder('s').where('s.id = :sessionId AND s.user_id = :userId', { sessionId, userId }),
    ).getOne();
  }

  findById(sessionId: string): Promise<SessionEntity | null> {
    return this.repo.findOneBy({ id: sessionId });
  }

  async list(filter: AdminSessionFilter): Promise<[SessionEntity[], number]> {
    let qb = this.repo.createQueryBuilder('s');
    if (filter.userId) qb = qb.andWhere('s.user_id = :userId', { userId: filter.userId });
    if (filter.active === true) qb = this.live(qb);
    if (filter.active === false) {
      qb = qb.andWhere('(s.revoked_at IS NOT NULL OR s.expires_at <= now() OR s.idle_expires_at <= now())');
    }
    return qb
      .orderBy('s.created_at', 'DESC')
      .addOrderBy('s.id', 'ASC')
      .offset((filter.page - 1) * filter.limit)
      .limit(filter.limit)
      .getManyAndCount();
  }

  async userExists(userId: string): Promise<boolean> {
    const rows = await this.repo.query<unknown[]>('SELECT 1 FROM users WHERE id = $1', [userId]);
    return rows.length > 0;
  }

  /** Deletes sessions that ended (revoked or expired) longer than `retentionMs` ago; returns how many. */
  async deleteEndedBefore(retentionMs: number): Promise<number> {
    const cutoff = new Date(Date.now() - retentionMs);
    const result = await this.repo
      .createQueryBuilder()
      .delete()
      .from(SessionEntity)
      .where('revoked_at < :cutoff OR least(expires_at, idle_expires_at) < :cutoff', { cutoff })
      .execute();
    return result.affected ?? 0;
  }

  /** Returns the purge's id. */
  async recordCachePurge(purge: { sessionIds?: string[]; userId?: string }): Promise<string> {
    const [row] = await this.repo.query<{ id: string }[]>(
      'INSERT INTO session_cache_purges (session_ids, user_id) VALUES ($1, $2) RETURNING id',
      [purge.sessionIds ?? [], purge.userId ?? null],
    );
    return String(row.id);
  }

  async isCachePurgePending(id: string): Promise<boolean> {
    const rows = await this.repo.query<unknown[]>('SELECT 1 FROM session_cache_purges WHERE id = $1', [id]);
    return rows.length > 0;
  }

  async pendingCachePurges(limit = 500): Promise<CachePurge[]> {
    const rows = await this.repo.query<{ id: string; session_ids: string[]; user_id: string | null }[]>(
      'SELECT id, session_ids, user_id FROM session_cache_purges ORDER BY id LIMIT $1',
      [limit],
    );
    return rows.map((row) => ({ id: String(row.id), sessionIds: row.session_ids, userId: row.user_id }));
  }

  async deleteCachePurges(ids: string[]): Promise<void> {
    if (ids.length) await this.repo.query('DELETE FROM session_cache_purges WHERE id = ANY($1::bigint[])', [ids]);
  }

  private live(qb: SelectQueryBuilder<SessionEntity>): SelectQueryBuilder<SessionEntity> {
    return qb.andWhere('s.revoked_at IS NULL AND s.expires_at > now() AND s.idle_expires_at > now()');
  }
}
