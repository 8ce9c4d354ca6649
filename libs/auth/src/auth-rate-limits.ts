import { RateLimitedError } from '@app/common';
import { AppConfig, RateLimitConfig } from '@app/config';
import { RateDecision, RateLimiter } from '@app/redis';
import { Injectable, Logger } from '@nestjs/common';

/**
 * The abuse limits of the auth endpoints (OWASP authentication cheat sheet), counted in Redis:
 * - login attempts per IP (credential stuffing from one source);
 * - failed logins per (account, IP): that IP is refused for that account until the window ends — a guesser
 *   is stopped, and the real user, from another IP, is not;
 * - failed logins per account from all IPs together (distributed guessing): the account pauses for the rest
 *   of the window. This one can be triggered by an attacker, so it is high and temporary: a victim waits at
 *   most one window (15 min by default) after the attack stops — never locked out for good;
 * - register, token and refresh requests per IP.
 * Unknown accounts are counted like real ones, so the limits don't reveal which accounts exist.
 */
@Injectable()
export class AuthRateLimits {
  private readonly audit = new Logger('Audit');
  private readonly rates: RateLimitConfig;

  constructor(
    private readonly limiter: RateLimiter,
    config: AppConfig,
  ) {
    this.rates = config.rateLimits;
  }

  async beforeLogin(login: string, ip: string): Promise<void> {
    const account = normalize(login);
    // Together: the three leave in one socket write (CoalescingRedis); a login was ~11 round trips in a row.
    const [perIp, perAccountIp, perAccount] = await Promise.all([
      this.limiter.hit(`login:ip:${ip}`, this.rates.loginPerIp),
      this.limiter.check(`login:fail:acct-ip:${account}:${ip}`, this.rates.loginFailuresPerAccountIp),
      this.limiter.check(`login:fail:acct:${account}`, this.rates.loginFailuresPerAccount),
    ]);
    this.enforce(perIp, 'login_per_ip', { ip });
    this.enforce(perAccountIp, 'login_failures_per_account_ip', { ip, login: account });
    this.enforce(perAccount, 'login_failures_per_account', { ip, login: account });
  }

  async loginFailed(login: string, ip: string): Promise<void> {
    const account = normalize(login);
    await Promise.all([
      this.limiter.hit(`login:fail:acct-ip:${account}:${ip}`, this.rates.loginFailuresPerAccountIp),
      this.limiter.hit(`login:fail:acct:${account}`, this.rates.loginFailuresPerAccount),
    ]);
  }

  /** A success clears this IP's failures for the account (not the account-wide count: an attack may go on). */
  async loginSucceeded(login: string, ip: string): Promise<void> {
    await this.limiter.reset(`login:fail:acct-ip:${normalize(login)}:${ip}`);
  }

  async register(ip: string): Promise<void> {
    this.enforce(await this.limiter.hit(`register:ip:${ip}`, this.rates.registerPerIp), 'register_per_ip', { ip });
  }

  async token(ip: string): Promise<void> {
    this.enforce(await this.limiter.hit(`token:ip:${ip}`, this.rates.tokenPerIp), 'token_per_ip', { ip });
  }

  async refresh(ip: string): Promise<void> {
    this.enforce(await this.limiter.hit(`refresh:ip:${ip}`, this.rates.refreshPerIp), 'refresh_per_ip', { ip });
  }

  private enforce(decision: RateDecision, limit: string, context: Record<string, string>): void {
    if (decision.allowed) return;
    this.audit.warn({ event: 'rate_limited', limit, ...context }, 'rate limited');
    throw new RateLimitedError(decision.retryAfterSeconds);
  }
}

const normalize = (login: string): string => login.trim().toLowerCase().slice(0, 254);
