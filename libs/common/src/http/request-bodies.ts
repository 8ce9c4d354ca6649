import { parse as parseQueryString } from 'node:querystring';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** The routes whose body is a form (OAuth2's token endpoint); every other route takes JSON only. */
export interface BodyPolicy {
  formRoutes: string[];
  /** What to throw when a form route gets another content type (e.g. an RFC 6749 invalid_request). */
  formRouteRefusal: () => Error;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function mediaError(status: number, code: string, message: string): FastifyError {
  return Object.assign(new Error(message), { statusCode: status, code, name: 'FastifyError' });
}

function decode(body: Buffer): string {
  try {
    return strictUtf8.decode(body);
  } catch {
    throw mediaError(400, 'FST_ERR_CTP_INVALID_JSON_BODY', 'The body is not valid UTF-8.');
  }
}

/**
 * Only two body formats exist: JSON (strict UTF-8, prototype poisoning refused) everywhere, and a form on the
 * form routes. Anything else is 415 before parsing — notably forms and text/plain on JSON routes, which a
 * browser can send cross-site without a CORS preflight.
 */
export function registerBodyParsers(fastify: FastifyInstance, policy: BodyPolicy): void {
  fastify.removeAllContentTypeParsers();
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    try {
      void parseJson(request, decode(body as Buffer), done);
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (_request, body, done) => {
    try {
      // querystring.parse gives an object without a prototype: a `__proto__` field is just a field.
      done(null, { ...parseQueryString(decode(body as Buffer)) });
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  fastify.addHook('onRequest', async (request: FastifyRequest) => {
    const type = request.headers['content-type']?.split(';')[0].trim().toLowerCase();
    if (!type) return;
    const formRoute = policy.formRoutes.includes(request.routeOptions.url ?? '');
    if (formRoute && type !== 'application/x-www-form-urlencoded') throw policy.formRouteRefusal();
    if (!formRoute && type !== 'application/json') {
      throw mediaError(415, 'FST_ERR_CTP_INVALID_MEDIA_TYPE', `Unsupported Media Type: ${type}`);
    }
  });
}

/** Errors Fastify raises before routing (a bad URL, an over-long path parameter), as problem+json. */
export function frameworkErrorsAsProblems(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400;
  void reply
    .status(status)
    .header('content-type', 'application/problem+json')
    .send(
      JSON.stringify({
        type: '/problems/bad-request',
        title: status === 414 ? 'URI Too Long' : 'Bad Request',
        status,
        detail: status === 414 ? 'A path parameter is too long.' : 'The URL is malformed.',
        request_id: String(request.id),
        code: status === 414 ? 'uri_too_long' : 'bad_request',
      }),
    );
}
