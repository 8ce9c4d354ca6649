import 'reflect-metadata';
import { AppConfig, ConfigValidationError } from '@app/config';
import { NestFactory } from '@nestjs/core';
import { CliModule } from './cli.module';
import { COMMANDS } from './commands';

function usage(): string {
  const lines = Object.values(COMMANDS).map((c) => `  ${c.usage.padEnd(84)} ${c.summary}`);
  return `usage: npm run cli -- <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(name && name !== 'help' ? `unknown command: ${name}\n\n${usage()}` : usage());
    return name && name !== 'help' ? 2 : 0;
  }
  let config: AppConfig;
  try {
    // Like the API, the context applies pending migrations first unless RUN_MIGRATIONS=false.
    config = AppConfig.load();
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const app = await NestFactory.createApplicationContext(CliModule.register(config), {
    logger: ['error', 'warn'],
  });
  try {
    await command.run(app, args);
    return 0;
  } catch (error) {
    process.stderr.write(`${name}: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await app.close();
  }
}

void main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
