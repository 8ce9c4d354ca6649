import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { RequestAuthContext } from './request-observability';

export const ROLES_KEY = 'roles';

/** Restricts a route to these roles (checked by the auth guard after authentication; 403 otherwise). */
export const Roles = (...roles: string[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);

/** The authenticated caller (user id, session id, role), as the auth guard established it. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): RequestAuthContext =>
    ctx.switchToHttp().getRequest<FastifyRequest & { auth: RequestAuthContext }>().auth,
);
