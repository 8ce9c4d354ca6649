/**
 * What the service keeps outside Postgres (session cache, rate-limit counters): all of it can be rebuilt.
 * Two implementations behind this one interface: Redis (shared by every instance) and an in-process map
 * (embedded mode, single instance). Keys are given without the deployment prefix; the store adds it.
 * Every method rejects when the store is unreachable; callers decide how to degrade.
 */
export abstract class KeyValueStore {
  /** false for the in-process store: state is not shared between instances. */
  abstract readonly shared: boolean;
  abstract get(key: string): Promise<string | null>;
  /** One round trip for several keys; null for each missing one. */
  abstract mget(keys: string[]): Promise<(string | null)[]>;
  /** With onlyIfAbsent, leaves an existing value alone and returns false. */
  abstract set(key: string, value: string, ttlMs: number, options?: { onlyIfAbsent?: boolean }): Promise<boolean>;
  /** Replaces the value only when the key exists and its value is not `unless`; returns whether it did. */
  abstract replaceIfPresent(key: string, value: string, ttlMs: number, unless: string): Promise<boolean>;
  abstract del(...keys: string[]): Promise<void>;
  /** Increments a counter, starting its expiry window on first increment; returns the new value and ms left. */
  abstract increment(key: string, windowMs: number): Promise<{ count: number; ttlMs: number }>;
  /** A counter's value and ms left in its window (0 and 0 when absent), without changing it. */
  abstract peek(key: string): Promise<{ count: number; ttlMs: number }>;
  /** Increments a counter and (re)sets its expiry; returns the new value. */
  abstract bump(key: string, ttlMs: number): Promise<number>;
  /** Throws when the store is unreachable. */
  abstract ping(): Promise<void>;
  /** Calls `listener` whenever the connection drops (before any command notices); never for in-process. */
  abstract onConnectionLost(listener: () => void): void;
}
