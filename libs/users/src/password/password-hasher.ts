import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';
import { normalizePassword } from './password-policy';

/** OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1. */
export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 } as const;

@Injectable()
export class PasswordHasher {
  /** Verified against when the user is unknown, so that "no such user" costs what "wrong password" costs. */
  private dummyHash?: Promise<string>;

  hash(password: string): Promise<string> {
    return argon2.hash(normalizePassword(password), ARGON2_OPTIONS);
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, normalizePassword(password));
    } catch {
      return false; // a malformed stored hash is a failed verification, not a 500
    }
  }

  /** Spends one verification's time and returns false. */
  async verifyDummy(password: string): Promise<false> {
    this.dummyHash ??= argon2.hash('dummy password that matches nothing', ARGON2_OPTIONS);
    await this.verify(await this.dummyHash, password);
    return false;
  }
}
