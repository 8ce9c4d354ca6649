/**
 * What the service keeps outside Postgres (session cache, rate-limit counters): all of it can be rebuilt.
 * Two implementations behind this one interface: Redis (shared by every instance) and an in-process map
 * (embedded mode, single instance). Keys are given without the deployment prefix; the store adds it.
 */
export abstract class KeyValueStore {
  /** false for the in-process store: state is not shared between instances. */
  abstract readonly shared: boolean;
  abstract get(key: string): Promise<string | null>;
  abstract set(key: string, value: string, ttlMs: number): Promise<void>;
  abstract del(...keys: string[]): Promise<void>;
  /** Increments a counter, starting its expiry window on first increment; returns the new value and ms left. */
  abstract increment(key: string, windowMs: number): Promise<{ count: number; ttlMs: number }>;
  /** Throws when the store is unreachable. */
  abstract ping(): Promise<void>;
}
