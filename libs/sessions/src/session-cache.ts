import { AppConfig } from '@app/config';
import { KeyValueStore } from '@app/redis';
import { Injectable } from '@nestjs/common';

/** What the guard needs about a live session, cached as `sess:{sid}`. */
export interface CachedSession {
  userId: string;
  role: string;
  /** ms epoch: the earlier of the idle and absolute expiry */
  expiresAt: number;
  /** ms epoch of the last last_seen_at write */
  lastSeenAt: number;
  /** the user's cache generation when this entry was built (see invalidateUser) */
  generation: number;
}

interface Wire {
  u: string;
  r: string;
  e: number;
  s: number;
  g: number;
}

/** Written over a revoked session's entry: warmers only write absent keys, so they can't resurrect it. */
const REVOKED = 'revoked';

const sessionKey = (sid: string): string => `sess:${sid}`;
const generationKey = (userId: string): string => `ugen:${userId}`;
/**
 * The users module's cached profile (UserProfileCache writes it). Read in the session check's MGET, so that
 * GET /users/me needs no second Redis round trip after the guard's.
 */
export const userProfileKey = (userId: string): string => `user:${userId}`;

export type CacheLookup =
  /** `profile`: the user's cached profile JSON, if any (see userProfileKey) */
  | { kind: 'hit'; session: CachedSession; profile?: string }
  | { kind: 'revoked' }
  /** no entry, or one built before the user's last role/status change */
  | { kind: 'miss'; generation: number };

/**
 * The Redis side of sessions. Postgres is the truth; every entry here can be rebuilt from it.
 *
 * Races between a request that warms the cache from Postgres and a concurrent change are closed two ways:
 * - revocation overwrites the entry with a REVOKED marker, and warming uses SET NX, so a warm that read
 *   Postgres before the revocation cannot write the session back;
 * - role/status changes bump a per-user generation (`ugen:{uid}`), read before the Postgres read and stored in
 *   the entry; the guard reads entry and generation in one MGET and treats an older entry as a miss.
 *
 * `trusted` is false from the first Redis error (or dropped connection) until SessionCacheMonitor has pinged
 * Redis and applied every purge recorded meanwhile; while false, callers must not read or warm the cache.
 * Every method rejects when Redis is unreachable.
 */
@Injectable()
export class SessionCache {
  private readonly ttlMs: number;
  private trustedNow = false;
  /** Counts failures, so that a check can tell whether one happened while it ran. */
  private failures = 0;

  constructor(
    private readonly store: KeyValueStore,
    config: AppConfig,
  ) {
    this.ttlMs = config.sessions.cacheTtlMs;
    store.onConnectionLost(() => this.failed());
  }

  get trusted(): boolean {
    return this.trustedNow;
  }

  /** Starts a health check; pass the result to endCheck once Redis answered and pending purges are applied. */
  beginCheck(): number {
    return this.failures;
  }

  /** Trusts the cache again, unless anything failed since beginCheck. */
  endCheck(check: number): void {
    if (check === this.failures) this.trustedNow = true;
  }

  /** true for Redis, false for the in-process store (which cannot fail or be shared). */
  get shared(): boolean {
    return this.store.shared;
  }

  lookup(sessionId: string, userId: string): Promise<CacheLookup> {
    return this.guarded(async () => {
      const [raw, generationRaw, profile] = await this.store.mget([
        sessionKey(sessionId),
        generationKey(userId),
        userProfileKey(userId),
      ]);
      const generation = Number(generationRaw ?? 0);
      if (raw === REVOKED) return { kind: 'revoked' } as const;
      const session = raw ? decode(raw) : undefined;
      if (!session || session.generation !== generation || session.userId !== userId) {
        return { kind: 'miss', generation } as const;
      }
      return { kind: 'hit', session, profile: profile ?? undefined } as const;
    });
  }

  /** Warms an absent entry; never overwrites (a revocation marker in particular). */
  warm(sessionId: string, session: CachedSession): Promise<void> {
    return this.guarded(async () => {
      const ttl = this.ttlFor(session);
      if (ttl > 0) await this.store.set(sessionKey(sessionId), encode(session), ttl, { onlyIfAbsent: true });
    });
  }

  /** Updates a live entry (e.g. after last_seen); leaves absent and revoked entries alone. */
  update(sessionId: string, session: CachedSession): Promise<void> {
    return this.guarded(async () => {
      const ttl = this.ttlFor(session);
      if (ttl > 0) await this.store.replaceIfPresent(sessionKey(sessionId), encode(session), ttl, REVOKED);
    });
  }

  /** Marks sessions revoked for as long as any warm that raced with the revocation could still land. */
  markRevoked(sessionIds: string[]): Promise<void> {
    return this.guarded(async () => {
      await Promise.all(sessionIds.map((sid) => this.store.set(sessionKey(sid), REVOKED, this.ttlMs)));
    });
  }

  /** Invalidates every cached session of a user (role or status changed): they are re-read from Postgres. */
  invalidateUser(userId: string): Promise<void> {
    return this.guarded(async () => {
      await this.store.bump(generationKey(userId), this.ttlMs * 2);
    });
  }

  ping(): Promise<void> {
    return this.guarded(() => this.store.ping());
  }

  private async guarded<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      this.failed();
      throw error;
    }
  }

  private failed(): void {
    this.failures += 1;
    this.trustedNow = false;
  }

  private ttlFor(session: CachedSession): number {
    return Math.min(this.ttlMs, session.expiresAt - Date.now());
  }
}

function encode(s: CachedSession): string {
  const wire: Wire = { u: s.userId, r: s.role, e: s.expiresAt, s: s.lastSeenAt, g: s.generation };
  return JSON.stringify(wire);
}

function decode(raw: string): CachedSession | undefined {
  try {
    const w = JSON.parse(raw) as Wire;
    return { userId: w.u, role: w.r, expiresAt: w.e, lastSeenAt: w.s, generation: w.g };
  } catch {
    return undefined;
  }
}
