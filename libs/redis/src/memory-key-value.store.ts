import { Injectable } from '@nestjs/common';
import { KeyValueStore } from './key-value.store';

interface Entry {
  value: string;
  expiresAt: number;
}

/** Embedded mode: a Map with expiry. Single instance only; lost on restart (like Redis without persistence). */
@Injectable()
export class MemoryKeyValueStore extends KeyValueStore {
  readonly shared = false;
  private readonly entries = new Map<string, Entry>();
  private readonly sweeper = setInterval(() => this.sweep(), 60_000).unref();

  constructor(private readonly now: () => number = Date.now) {
    super();
  }

  async get(key: string): Promise<string | null> {
    return this.live(key)?.value ?? null;
  }

  async mget(keys: string[]): Promise<(string | null)[]> {
    return keys.map((key) => this.live(key)?.value ?? null);
  }

  async set(key: string, value: string, ttlMs: number, options: { onlyIfAbsent?: boolean } = {}): Promise<boolean> {
    if (options.onlyIfAbsent && this.live(key)) return false;
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
    return true;
  }

  async replaceIfPresent(key: string, value: string, ttlMs: number, unless: string): Promise<boolean> {
    const entry = this.live(key);
    if (!entry || entry.value === unless) return false;
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
    return true;
  }

  async del(...keys: string[]): Promise<void> {
    for (const key of keys) this.entries.delete(key);
  }

  async increment(key: string, windowMs: number): Promise<{ count: number; ttlMs: number }> {
    const entry = this.live(key) ?? { value: '0', expiresAt: this.now() + windowMs };
    entry.value = String(Number(entry.value) + 1);
    this.entries.set(key, entry);
    return { count: Number(entry.value), ttlMs: entry.expiresAt - this.now() };
  }

  async peek(key: string): Promise<{ count: number; ttlMs: number }> {
    const entry = this.live(key);
    return entry ? { count: Number(entry.value), ttlMs: entry.expiresAt - this.now() } : { count: 0, ttlMs: 0 };
  }

  async bump(key: string, ttlMs: number): Promise<number> {
    const count = Number(this.live(key)?.value ?? '0') + 1;
    this.entries.set(key, { value: String(count), expiresAt: this.now() + ttlMs });
    return count;
  }

  async ping(): Promise<void> {}

  onConnectionLost(): void {}

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}
