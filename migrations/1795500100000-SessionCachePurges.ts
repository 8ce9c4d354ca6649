import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cache purges that could not be applied to Redis when they happened (Redis down or hung during a revocation
 * or role change). Every instance applies them on its next tick; see docs/sessions.md.
 */
export class SessionCachePurges1795500100000 implements MigrationInterface {
  name = 'SessionCachePurges1795500100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "session_cache_purges" (
        "id" bigserial NOT NULL,
        "session_ids" uuid[] NOT NULL DEFAULT '{}',
        "user_id" uuid,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "session_cache_purges_pkey" PRIMARY KEY ("id")
      )`);
    await q.query(`CREATE INDEX "sessions_revoked_at_idx" ON "sessions" ("revoked_at") WHERE "revoked_at" IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "sessions_revoked_at_idx"`);
    await q.query(`DROP TABLE "session_cache_purges"`);
  }
}
