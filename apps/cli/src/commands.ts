import { ValidationFailedError } from '@app/common';
import { runMigrationsLocked } from '@app/database';
import { UsersService } from '@app/users';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { parseOptions } from './args';
import { readSecret } from './prompt';

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
    run: async (app) => {
      await runMigrationsLocked(app.get(DataSource));
      process.stdout.write('migrations are up to date\n');
    },
  },
  'create-superuser': {
    summary: 'Create an admin (prompts for the password when --password is omitted)',
    usage: 'create-superuser --username NAME --email EMAIL [--password PW] [--full-name NAME]',
    run: async (app, args) => {
      const options = parseOptions(args, ['username', 'email', 'password', 'full-name']);
      if (!options.username || !options.email) throw new Error('--username and --email are required');
      const password = options.password ?? (await readSecret('Password: '));
      try {
        const user = await app.get(UsersService).create({
          username: options.username,
          email: options.email,
          password,
          full_name: options['full-name'],
          role: 'admin',
          is_active: true,
        });
        process.stdout.write(`created admin ${user.username} (${user.id})\n`);
      } catch (error) {
        if (error instanceof ValidationFailedError) {
          throw new Error((error.errors ?? []).map((e) => `${e.field}: ${e.message}`).join('; '), { cause: error });
        }
        throw error;
      }
    },
  },
  'migrate:revert': {
    summary: 'Revert the most recent migration',
    usage: 'migrate:revert',
    run: async (app) => app.get(DataSource).undoLastMigration({ transaction: 'each' }),
  },
};
