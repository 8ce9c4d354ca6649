import { IS_PUBLIC_KEY, RequestAuthContext, ROLES_KEY } from '@app/common';
import { AppConfig } from '@app/config';
import { SessionsService } from '@app/sessions';
import { ForbiddenError } from '@app/users';
import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard as PassportAuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { InvalidTokenError, TokenExpiredError, UnauthenticatedError } from '../auth.errors';
import { assertCsrf, isUnsafeMethod } from './csrf';

type AuthRequest = FastifyRequest & { auth?: RequestAuthContext; user?: RequestAuthContext };

/**
 * The global guard (APP_GUARD): every route needs a valid access token and a live session unless marked
 * @Public(). Then, for cookie-authenticated unsafe requests, the CSRF check; then @Roles().
 */
@Injectable()
export class AuthGuard extends PassportAuthGuard('jwt') {
  private readonly allowedOrigins: string[];

  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionsService,
    config: AppConfig,
  ) {
    super();
    this.allowedOrigins = config.http.corsOrigins;
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)) return true;

    await super.canActivate(context);
    const request = context.switchToHttp().getRequest<AuthRequest>();
    const auth = request.user!;
    request.auth = auth;

    if (auth.via === 'cookie' && isUnsafeMethod(request.method)) {
      assertCsrf(request, auth.sessionId, this.allowedOrigins, (sid, token) => this.sessions.isCsrfTokenOf(sid, token));
    }
    const roles = this.reflector.getAllAndOverride<string[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(auth.role)) throw new ForbiddenError();
    return true;
  }

  /** Maps passport's outcome to our errors: the `code` tells a client whether to refresh or log in again. */
  override handleRequest<T>(error: unknown, user: T, info: unknown): T {
    if (error) throw error;
    if (user) return user;
    // by name: passport-jwt and @nestjs/jwt may each bring their own copy of jsonwebtoken
    if (info instanceof Error && info.name === 'TokenExpiredError') throw new TokenExpiredError();
    if (info instanceof Error && info.message === 'No auth token') throw new UnauthenticatedError();
    throw new InvalidTokenError();
  }
}
