import { ValidationFailedError } from '@app/common';
import { AppConfig } from '@app/config';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { UsersService } from './users.service';

/** ADMIN_USERNAME/EMAIL/PASSWORD: the admin is created on start when missing (after migrations ran). */
@Injectable()
export class AdminSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger('AdminSeeder');

  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const seed = this.config.adminSeed;
    if (!seed) return;
    try {
      if (await this.users.ensureAdmin(seed)) this.logger.log(`created admin "${seed.username}"`);
    } catch (error) {
      if (error instanceof ValidationFailedError) {
        const reasons = (error.errors ?? []).map((e) => e.message.replace(/^password/, 'ADMIN_PASSWORD')).join('; ');
        throw new Error(`ADMIN_USERNAME/ADMIN_EMAIL/ADMIN_PASSWORD: cannot create the admin: ${reasons}`, {
          cause: error,
        });
      }
      throw error;
    }
  }
}
