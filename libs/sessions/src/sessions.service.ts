import { MetricsService, Page } from '@app/common';
import { AppConfig, SessionConfig } from '@app/config';
import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Counter } from 'prom-client';
import { effectiveExpiry, RevokeReason, SessionEntity } from './entities/session.entity';
import { SessionCache } from './session-cache';
import { safeEqual, SessionSecrets, sha256Hex } from './session-secrets';
import {
  InvalidRefreshTokenError,
  SessionNotFoundError,
  SessionRevokedError,
  SessionUserNotFoundError,
} from './sessions.errors';
import { AdminSessionFilter, SessionsRepository, SessionWithUser } from './sessions.repository';

/** How long a revocation keeps retrying Redis before it records the purge instead (> the check interval). */
const REDIS_RETRY_BUDGET_MS = 2000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Who is calling, as established by a valid access token and a live session. */
export interface SessionPrincipal {
  userId: string;
  sessionId: string;
  role: string;
  /** the session's current end if idle (ms epoch) */
  expiresAt: number;
  /** the user's cached profile JSON when the cache had it (read with the session: see userProfileKey) */
  cachedProfile?: string;
}

export interface IssuedSession {
  session: SessionEntity;
  role: string;
  refreshToken: string;
}

export interface ClientInfo {
  ip?: string | null;
  userAgent?: string | null;
}

/**
 * Sessions are the backbone of authentication: every login creates one, every access token names one, and
 * every request checks it (cache first, Postgres on a miss or when Redis fails). Every ending of a session goes
 * through revoke()/revokeAllForUser(): Postgres first, then the cache.
 */
@Injectable()
export class SessionsService {
  private readonly logger = new Logger('Sessions');
  private readonly audit = new Logger('Audit');
  private readonly config: SessionConfig;
  private readonly cacheFallbacks: Counter<'operation'>;
  private lastFallbackLog = 0;
  private readonly touchedAt = new Map<string, number>();

  constructor(
    private readonly repo: SessionsRepository,
    private readonly cache: SessionCache,
    private readonly secrets: SessionSecrets,
    config: AppConfig,
    metrics: MetricsService,
  ) {
    this.config = config.sessions;
    this.cacheFallbacks = metrics.counter(
      'session_cache_fallbacks_total',
      'Session checks and updates that could not use Redis and went to Postgres alone',
      ['operation'],
    );
  }

  async create(user: { id: string; role: string }, client: ClientInfo): Promise<IssuedSession> {
    const id = randomUUID();
    const refreshToken = this.secrets.refreshToken(id, 0);
    const now = Date.now();
    const session = await this.repo.insert({
      id,
      userId: user.id,
      refreshTokenHash: sha256Hex(refreshToken),
      ip: client.ip?.slice(0, 45) ?? null,
      userAgent: client.userAgent?.slice(0, 512) ?? null,
      expiresAt: new Date(now + this.config.absoluteTimeoutMs),
      idleExpiresAt: new Date(now + Math.min(this.config.idleTimeoutMs, this.config.absoluteTimeoutMs)),
    });
    return { session, role: user.role, refreshToken };
  }

  /** The guard's question: is this session live, and with which role? Throws SessionRevokedError if not. */
  async authenticate(sessionId: string, userId: string): Promise<SessionPrincipal> {
    let generation: number | undefined;
    if (!this.cache.trusted) {
      this.cacheFallbacks.inc({ operation: 'authenticate' });
      return this.authenticateFromDatabase(sessionId, userId);
    }
    try {
      const cached = await this.cache.lookup(sessionId, userId);
      if (cached.kind === 'revoked') throw new SessionRevokedError();
      if (cached.kind === 'hit' && cached.session.expiresAt > Date.now()) {
        const { role, lastSeenAt } = cached.session;
        this.touchIfDue({ userId, sessionId, role }, lastSeenAt, cached.session.generation);
        const { expiresAt } = cached.session;
        return { userId, sessionId, role, expiresAt, cachedProfile: cached.profile };
      }
      if (cached.kind === 'miss') generation = cached.generation;
    } catch (error) {
      if (error instanceof SessionRevokedError) throw error;
      this.fellBack('authenticate', error);
    }
    return this.authenticateFromDatabase(sessionId, userId, generation);
  }

  private async authenticateFromDatabase(
    sessionId: string,
    userId: string,
    generation?: number,
  ): Promise<SessionPrincipal> {
    const found = await this.repo.findWithUser(sessionId);
    if (!found || found.session.userId !== userId || !isLive(found)) throw new SessionRevokedError();
    const expiresAt = effectiveExpiry(found.session).getTime();
    if (generation !== undefined && this.cache.trusted) {
      const entry = { userId, role: found.role, expiresAt, lastSeenAt: found.session.lastSeenAt.getTime(), generation };
      await this.cache.warm(sessionId, entry).catch((error: unknown) => this.fellBack('warm', error));
    }
    this.touchIfDue({ userId, sessionId, role: found.role }, found.session.lastSeenAt.getTime(), generation);
    return { userId, sessionId, role: found.role, expiresAt };
  }

  /**
   * last_seen_at (and the sliding idle expiry) is written at most once per interval per session, off the
   * request path. `touchedAt` keeps concurrent requests of one process from writing it together.
   */
  private touchIfDue(principal: Omit<SessionPrincipal, 'expiresAt'>, lastSeenAt: number, generation?: number): void {
    const now = Date.now();
    const last = Math.max(lastSeenAt, this.touchedAt.get(principal.sessionId) ?? 0);
    if (now - last < this.config.lastSeenIntervalMs) return;
    if (this.touchedAt.size > 10_000) this.touchedAt.clear();
    this.touchedAt.set(principal.sessionId, now);
    void (async () => {
      const expiries = await this.repo.touch(principal.sessionId, this.config.idleTimeoutMs);
      if (!expiries || generation === undefined || !this.cache.trusted) return;
      const expiresAt = effectiveExpiry(expiries).getTime();
      await this.cache.update(principal.sessionId, { ...principal, expiresAt, lastSeenAt: now, generation });
    })().catch((error: unknown) => this.logger.warn(`last_seen update failed: ${(error as Error).message}`));
  }

  /**
   * Rotates a refresh token. The current token rotates (compare-and-swap); the one just before it, presented
   * again within the grace window, gets the current pair (concurrent tabs); anything else that carries a valid
   * MAC is reuse of a stolen or replayed token and ends the session.
   */
  async refresh(presented: unknown): Promise<IssuedSession> {
    const parsed = this.secrets.parseRefreshToken(presented);
    if (!parsed) throw new InvalidRefreshTokenError();
    const token = presented as string;

    for (let attempt = 0; attempt < 3; attempt++) {
      const found = await this.repo.findWithUser(parsed.sessionId);
      if (!found) throw new InvalidRefreshTokenError();
      if (!isLive(found)) throw new SessionRevokedError();
      const { session } = found;

      if (parsed.counter === session.refreshCounter && safeEqual(sha256Hex(token), session.refreshTokenHash)) {
        const next = this.secrets.refreshToken(session.id, session.refreshCounter + 1);
        const rotated = await this.repo.rotate(
          session.id,
          { counter: session.refreshCounter, hash: session.refreshTokenHash },
          { hash: sha256Hex(next), idleTimeoutMs: this.config.idleTimeoutMs },
        );
        if (rotated) return this.issued(session.id, found.role, next);
        continue; // a concurrent refresh rotated first: re-read and take the grace path
      }

      const rotatedAgo = session.rotatedAt ? Date.now() - session.rotatedAt.getTime() : Infinity;
      if (parsed.counter === session.refreshCounter - 1 && rotatedAgo <= this.config.refreshReuseGraceMs) {
        return this.issued(session.id, found.role, this.secrets.refreshToken(session.id, session.refreshCounter));
      }

      this.audit.warn(
        { event: 'refresh_reuse', session_id: session.id, user_id: session.userId },
        'refresh token reuse',
      );
      await this.revoke(session.id, 'refresh_reuse');
      throw new SessionRevokedError('This refresh token was already used; the session has been ended.');
    }
    throw new SessionRevokedError();
  }

  private async issued(sessionId: string, role: string, refreshToken: string): Promise<IssuedSession> {
    const found = await this.repo.findWithUser(sessionId);
    if (!found || !isLive(found)) throw new SessionRevokedError();
    return { session: found.session, role, refreshToken };
  }

  /** Ends one session (idempotent). Returns false when it was not live. */
  async revoke(sessionId: string, reason: RevokeReason, by?: string): Promise<boolean> {
    const userId = await this.repo.revoke(sessionId, reason, by);
    await this.durably(() => this.cache.markRevoked([sessionId]), { sessionIds: [sessionId] });
    if (userId)
      this.audit.log(
        { event: 'session_revoked', session_id: sessionId, user_id: userId, reason, by },
        'session revoked',
      );
    return userId !== null;
  }

  /** Ends every live session of a user, optionally but one. Returns how many ended. */
  async revokeAllForUser(
    userId: string,
    reason: RevokeReason,
    options: { exceptSessionId?: string; by?: string } = {},
  ): Promise<number> {
    const ids = await this.repo.revokeAllForUser(userId, reason, { exceptId: options.exceptSessionId, by: options.by });
    if (ids.length) await this.durably(() => this.cache.markRevoked(ids), { sessionIds: ids });
    if (ids.length) {
      this.audit.log(
        { event: 'sessions_revoked', user_id: userId, session_ids: ids, reason, by: options.by },
        'sessions revoked',
      );
    }
    return ids.length;
  }

  /** A user's role or status changed: their cached sessions are re-read from Postgres on the next request. */
  async userChanged(userId: string): Promise<void> {
    await this.durably(() => this.cache.invalidateUser(userId), { userId });
  }

  /**
   * Applies a revocation or invalidation to the cache before the request that caused it may answer 2xx.
   * - Cache trusted: retry Redis for REDIS_RETRY_BUDGET_MS (a blip).
   * - Still failing, or already known unreachable: record the purge in Postgres. Every instance applies
   *   recorded purges before it trusts its cache again; and we wait (bounded) until one instance has applied
   *   it, so that an instance which can still reach Redis (when only we can't) is not left serving the entry.
   *   If none applies it in time, no instance can reach Redis and all of them are reading Postgres.
   */
  private async durably(apply: () => Promise<void>, purge: { sessionIds?: string[]; userId?: string }): Promise<void> {
    if (this.cache.trusted) {
      const started = Date.now();
      for (;;) {
        try {
          return await apply();
        } catch (error) {
          this.fellBack('revoke', error);
          if (Date.now() - started >= REDIS_RETRY_BUDGET_MS) break;
          await sleep(200);
        }
      }
    }
    const id = await this.repo.recordCachePurge(purge);
    const deadline = Date.now() + 2 * this.config.cacheCheckIntervalMs + 1500;
    while (Date.now() < deadline && (await this.repo.isCachePurgePending(id))) await sleep(100);
  }

  /** My live sessions, newest first. */
  listMine(me: { userId: string }): Promise<SessionEntity[]> {
    return this.repo.listLiveForUser(me.userId);
  }

  /** Ends one of my sessions; someone else's (or an unknown or ended one) is "not found". */
  async abortMine(me: { userId: string }, sessionId: string): Promise<void> {
    if (!(await this.repo.findLiveOwned(me.userId, sessionId))) throw new SessionNotFoundError();
    await this.revoke(sessionId, 'aborted_by_user');
  }

  /** Ends my other sessions, or all of them (this one too). */
  abortMineAll(me: { userId: string; sessionId: string }, scope: 'others' | 'all'): Promise<number> {
    const exceptSessionId = scope === 'others' ? me.sessionId : undefined;
    return this.revokeAllForUser(me.userId, 'aborted_by_user', { exceptSessionId });
  }

  async list(filter: AdminSessionFilter): Promise<Page<SessionEntity>> {
    const [items, total] = await this.repo.list(filter);
    return { items, total, page: filter.page, limit: filter.limit };
  }

  async abortAsAdmin(admin: { userId: string }, sessionId: string): Promise<void> {
    if (!(await this.repo.findById(sessionId))) throw new SessionNotFoundError();
    await this.revoke(sessionId, 'aborted_by_admin', admin.userId);
  }

  async abortUserAsAdmin(admin: { userId: string }, userId: string): Promise<number> {
    if (!(await this.repo.userExists(userId))) throw new SessionUserNotFoundError();
    return this.revokeAllForUser(userId, 'aborted_by_admin', { by: admin.userId });
  }

  csrfTokenFor(sessionId: string): string {
    return this.secrets.csrfToken(sessionId);
  }

  isCsrfTokenOf(sessionId: string, token: string): boolean {
    return this.secrets.isCsrfTokenOf(sessionId, token);
  }

  /** The session a refresh token names (MAC checked), without using it: for CSRF checks and logout. */
  sessionIdOfRefreshToken(token: unknown): string | undefined {
    return this.secrets.parseRefreshToken(token)?.sessionId;
  }

  private fellBack(operation: string, error: unknown): void {
    this.cacheFallbacks.inc({ operation });
    if (Date.now() - this.lastFallbackLog > 10_000) {
      this.lastFallbackLog = Date.now();
      this.logger.warn(`session cache unavailable (${operation}): ${(error as Error).message}; using Postgres`);
    }
  }
}

function isLive({ session, userActive }: SessionWithUser): boolean {
  return userActive && !session.revokedAt && effectiveExpiry(session).getTime() > Date.now();
}
