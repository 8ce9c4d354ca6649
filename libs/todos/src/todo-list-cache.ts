import { KeyValueStore } from '@app/redis';
import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { TodoListQuery } from './todos.repository';

/** Short: the cache absorbs repeated reads of the same list; every change of the list invalidates it anyway. */
const PAGE_TTL_MS = 30_000;
/** Longer than any page built under it can live, so a generation never disappears before its pages. */
const GENERATION_TTL_MS = 2 * PAGE_TTL_MS;
/** The generation of a user whose todos have not changed in GENERATION_TTL_MS. */
const INITIAL_GENERATION = '0';

const generationKey = (userId: string): string => `todos:gen:${userId}`;
const pageKey = (userId: string, q: TodoListQuery): string =>
  `todos:page:${userId}:${q.page}:${q.limit}:${q.completed ?? '*'}:${q.sort}`;

export type CachedTodoPage =
  | { kind: 'hit'; json: string }
  /** build the page from Postgres, then put() it with this generation */
  | { kind: 'miss'; generation: string };

/**
 * A user's list pages (GET /todos), as the JSON the API sends, so that a repeated read costs no query and no
 * serialisation. Consistency comes from a per-user generation, a random token replaced after every committed
 * change: each page is stored with the generation read before its query, and a page of any other generation is
 * a miss. So a page whose query ran before a change can't be served after it, even if it is stored after it; a
 * random token (not a counter) can't come back after expiring. Redis failures fall back to Postgres.
 */
@Injectable()
export class TodoListCache {
  private readonly logger = new Logger('TodoListCache');

  constructor(private readonly store: KeyValueStore) {}

  /** One round trip for the generation and the page; undefined when the store is unreachable. */
  async get(userId: string, query: TodoListQuery): Promise<CachedTodoPage | undefined> {
    let generation: string | null, entry: string | null;
    try {
      [generation, entry] = await this.store.mget([generationKey(userId), pageKey(userId, query)]);
    } catch {
      return undefined;
    }
    const current = generation ?? INITIAL_GENERATION;
    const separator = entry?.indexOf('|') ?? -1;
    if (entry && separator > 0 && entry.slice(0, separator) === current) {
      return { kind: 'hit', json: entry.slice(separator + 1) };
    }
    return { kind: 'miss', generation: current };
  }

  /** Best effort: a page that is not stored is built again next time. */
  async put(userId: string, query: TodoListQuery, generation: string, json: string): Promise<void> {
    await this.store.set(pageKey(userId, query), `${generation}|${json}`, PAGE_TTL_MS).catch(() => undefined);
  }

  /**
   * After a committed change to the user's todos, before the change is answered: every page stored so far is a
   * miss from now on. If the store is unreachable here, pages it still holds may be served until they expire
   * (PAGE_TTL_MS); that is logged.
   */
  async invalidate(userId: string): Promise<void> {
    await this.store.set(generationKey(userId), randomUUID(), GENERATION_TTL_MS).catch((error: unknown) => {
      this.logger.warn(`could not invalidate the cached todo lists of ${userId}: ${(error as Error).message}`);
    });
  }
}
