import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, FieldError } from './app-error';
import { isDependencyUnavailable } from './dependency-errors';
import { defaultCodeFor, PROBLEM_CONTENT_TYPE, ProblemDetails, problemType, statusTitle } from './problem-details';

interface Mapped {
  status: number;
  code: string;
  title: string;
  detail?: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
  extensions?: Record<string, unknown>;
}

/** Fastify's own request errors (raised before Nest sees the request), mapped to safe fixed messages. */
const FASTIFY_ERRORS: Record<string, { status: number; detail: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, detail: 'The request body is larger than the limit.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, detail: 'This content type is not supported here.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, detail: 'Content-Length does not match the body.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, detail: 'The JSON body is empty.' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, detail: 'The body is not valid JSON.' },
  FST_ERR_BAD_URL: { status: 400, detail: 'The URL is malformed.' },
};

/**
 * The one place where errors become responses: application/problem+json (RFC 9457) with a stable `code`
 * and the request id. Only AppErrors and 4xx HTTP errors say what went wrong; anything else is a 500 that
 * is logged in full and answered without internals.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    const mapped = this.map(exception);
    if (mapped.status === 503 && !(exception instanceof AppError)) {
      this.logger.warn({ err: exception, request_id: request.id }, 'dependency unavailable');
    } else if (mapped.status >= 500 && !(exception instanceof AppError)) {
      this.logger.error({ err: exception, request_id: request.id }, 'unhandled error');
    }
    const body: ProblemDetails = {
      type: problemType(mapped.code),
      title: mapped.title,
      status: mapped.status,
      detail: mapped.detail,
      instance: request.url?.split('?')[0],
      request_id: String(request.id),
      code: mapped.code,
      ...(mapped.errors ? { errors: mapped.errors } : {}),
      ...mapped.extensions,
    };
    if (reply.sent) return;
    for (const [name, value] of Object.entries(mapped.headers ?? {})) void reply.header(name, value);
    if (exception instanceof AppError && exception.customBody) {
      const { contentType, body: custom } = exception.customBody;
      void reply.status(mapped.status).header('content-type', contentType).send(JSON.stringify(custom));
      return;
    }
    void reply.status(mapped.status).header('content-type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
  }

  private map(exception: unknown): Mapped {
    if (exception instanceof AppError) {
      return {
        status: exception.status,
        code: exception.code,
        title: exception.title,
        detail: exception.detail,
        errors: exception.errors,
        headers: exception.headers,
        extensions: exception.extensions,
      };
    }
    // Nest wraps Fastify's request errors (body parsing, media type) in an HttpException with the cause attached.
    const fastify = this.fastifyError(exception instanceof HttpException ? exception.cause : exception);
    if (fastify) return { ...fastify, code: defaultCodeFor(fastify.status), title: statusTitle(fastify.status) };
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return {
        status,
        code: defaultCodeFor(status),
        title: statusTitle(status),
        detail: this.httpDetail(exception, status),
      };
    }
    if (isDependencyUnavailable(exception)) {
      return {
        status: 503,
        code: 'service_unavailable',
        title: statusTitle(503),
        detail: 'A backing service is unavailable; try again shortly.',
        headers: { 'retry-after': '5' },
      };
    }
    return { status: 500, code: 'internal_error', title: statusTitle(500), detail: 'An unexpected error occurred.' };
  }

  private httpDetail(exception: HttpException, status: number): string {
    if (status >= 500) return 'An unexpected error occurred.';
    const response = exception.getResponse();
    const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
    return Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : exception.message;
  }

  private fastifyError(exception: unknown): { status: number; detail: string } | undefined {
    if (typeof exception !== 'object' || exception === null) return undefined;
    const { code, statusCode } = exception as { code?: unknown; statusCode?: unknown };
    if (typeof code === 'string' && FASTIFY_ERRORS[code]) return FASTIFY_ERRORS[code];
    // JSON.parse failures surface as a SyntaxError carrying statusCode 400.
    if (exception instanceof SyntaxError && statusCode === 400) return FASTIFY_ERRORS.FST_ERR_CTP_INVALID_JSON_BODY;
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      return { status: statusCode, detail: statusTitle(statusCode) };
    }
    return undefined;
  }
}
