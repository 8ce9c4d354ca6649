import { runMigrationsLocked } from '@app/database';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface Command {
  summary: string;
  usage: string;
  run(app: INestApplicationContext, args: string[]): Promise<void>;
}

/** The commands of `npm run cli -- <command>`. Each runs on a Nest application context (no HTTP server). */
export const COMMANDS: Record<string, Command> = {
  migrate: {
    summary: 'Apply pending migrations (under the same advisory lock the API uses)',
    usage: 'migrate',
    run: async (app) => runMigrationsLocked(app.get(DataSource)),
  },
  'migrate:revert': {
    summary: 'Revert the most recent migration',
    usage: 'migrate:revert',
    run: async (app) => app.get(DataSource).undoLastMigration({ transaction: 'each' }),
  },
};
