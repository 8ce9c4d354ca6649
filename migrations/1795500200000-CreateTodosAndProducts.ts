import { MigrationInterface, QueryRunner } from 'typeorm';

/** todos and products, as DESIGN.md §2 describes them. The API validates first; the checks here are the floor. */
export class CreateTodosAndProducts1795500200000 implements MigrationInterface {
  name = 'CreateTodosAndProducts1795500200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "todos" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "title" varchar(255) NOT NULL,
        "description" varchar(1000),
        "completed" boolean NOT NULL DEFAULT false,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "todos_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "todos_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE,
        CONSTRAINT "todos_title_check" CHECK ("title" <> '')
      )`);
    // Every list is one owner's, newest first by default.
    await q.query(`CREATE INDEX "todos_user_id_created_at_idx" ON "todos" ("user_id", "created_at")`);

    await q.query(`
      CREATE TABLE "products" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" varchar(200) NOT NULL,
        "description" varchar(2000),
        "price" numeric(12,2) NOT NULL,
        "stock" integer NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "products_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "products_name_check" CHECK ("name" <> ''),
        CONSTRAINT "products_price_check" CHECK ("price" >= 0),
        CONSTRAINT "products_stock_check" CHECK ("stock" >= 0)
      )`);
    // The list sorts: name (case-insensitively, the default), price, created_at.
    await q.query(`CREATE INDEX "products_name_lower_idx" ON "products" (lower("name"))`);
    await q.query(`CREATE INDEX "products_price_idx" ON "products" ("price")`);
    await q.query(`CREATE INDEX "products_created_at_idx" ON "products" ("created_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "products"`);
    await q.query(`DROP TABLE "todos"`);
  }
}
