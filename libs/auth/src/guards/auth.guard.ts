import { IS_PUBLIC_KEY, RequestAuthContext, ROLES_KEY } from '@app/common';
import { AppConfig } from '@app/config';
import { SessionsService } from '@app/sessions';
import { ForbiddenError } from '@app/users';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Authenticator } from 'passport';
import { InvalidTokenError, TokenExpiredError, UnauthenticatedError } from '../auth.errors';
import { assertCsrf, isUnsafeMethod } from './csrf';
import { extractAccessToken, JwtStrategy } from './jwt.strategy';
import { VerifiedAccessTokens } from './verified-tokens';

type AuthRequest = FastifyRequest & { auth?: RequestAuthContext; authVia?: RequestAuthContext['via'] };

interface AccessRules {
  isPublic: boolean;
  roles: string[] | undefined;
}

/**
 * The global guard (APP_GUARD): every route needs a valid access token and a live session unless marked
 * @Public(). Then, for cookie-authenticated unsafe requests, the CSRF check; then @Roles().
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly allowedOrigins: string[];
  /** This app's own passport instance (see JwtStrategy for why not the global one). */
  private readonly passport = new Authenticator();
  private readonly rulesByHandler = new WeakMap<object, AccessRules>();

  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionsService,
    private readonly verifiedTokens: VerifiedAccessTokens,
    strategy: JwtStrategy,
    config: AppConfig,
  ) {
    this.allowedOrigins = config.http.corsOrigins;
    this.passport.use('jwt', strategy);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.accessRulesOf(context);
    if (access.isPublic) return true;

    const http = context.switchToHttp();
    const request = http.getRequest<AuthRequest>();
    const auth = await this.authenticate(request, http.getResponse<FastifyReply>());
    request.auth = auth;

    if (auth.via === 'cookie' && isUnsafeMethod(request.method)) {
      assertCsrf(request, auth.sessionId, this.allowedOrigins, (sid, token) => this.sessions.isCsrfTokenOf(sid, token));
    }
    if (access.roles && !access.roles.includes(auth.role)) throw new ForbiddenError();
    return true;
  }

  /** @Public() and @Roles() of a route: read once per handler, since decorators can't change at run time. */
  private accessRulesOf(context: ExecutionContext): AccessRules {
    const handler = context.getHandler();
    let rules = this.rulesByHandler.get(handler);
    if (rules === undefined) {
      const targets = [handler, context.getClass()];
      rules = {
        isPublic: this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, targets) === true,
        roles: this.reflector.getAllAndOverride<string[] | undefined>(ROLES_KEY, targets),
      };
      this.rulesByHandler.set(handler, rules);
    }
    return rules;
  }

  private async authenticate(request: AuthRequest, reply: FastifyReply): Promise<RequestAuthContext> {
    // A token this process verified before goes straight to the session check (see VerifiedAccessTokens).
    const token = extractAccessToken(request);
    const claims = token === null ? undefined : this.verifiedTokens.recall(token);
    if (claims === undefined) return this.authenticateWithPassport(request, reply);
    const principal = await this.sessions.authenticate(claims.sid, claims.sub);
    return { ...principal, via: request.authVia ?? 'bearer' };
  }

  private authenticateWithPassport(request: AuthRequest, reply: FastifyReply): Promise<RequestAuthContext> {
    return new Promise((resolve, reject) => {
      const callback = (error: unknown, user: RequestAuthContext | false, info: unknown): void => {
        if (error) reject(error instanceof Error ? error : new InvalidTokenError());
        else if (user) resolve(user);
        else reject(toAuthError(info));
      };
      const middleware = this.passport.authenticate('jwt', { session: false }, callback) as (
        req: unknown,
        res: unknown,
        next: (error?: unknown) => void,
      ) => void;
      middleware(request, reply, (error?: unknown) => reject(error instanceof Error ? error : new InvalidTokenError()));
    });
  }
}

/** Maps passport-jwt's reason to our errors: the `code` tells a client whether to refresh or log in again. */
function toAuthError(info: unknown): Error {
  // by name: passport-jwt and @nestjs/jwt may each bring their own copy of jsonwebtoken
  if (info instanceof Error && info.name === 'TokenExpiredError') return new TokenExpiredError();
  if (info instanceof Error && info.message === 'No auth token') return new UnauthenticatedError();
  return new InvalidTokenError();
}
