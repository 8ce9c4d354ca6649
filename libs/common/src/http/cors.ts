import fastifyCors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyInstance, onRequestHookHandler } from 'fastify';

/**
 * CORS by @fastify/cors, run only for requests that carry an `Origin` header. A request without one is not a CORS
 * request (browsers send `Origin` on every cross-origin request and on every preflight), so its answer needs no
 * CORS header, only `Vary: Origin` for caches. Nest's `app.enableCors()` ran the plugin's hook on every request
 * and then copied its headers onto the raw response: ~12 of the ~47 µs a `GET /health` cost (docs/performance.md).
 *
 * The plugin is given the instance through a proxy that keeps its request hook (as Nest's own enableCors does), so
 * that the hook registered here decides when it runs; its preflight route and request decorator go to the instance.
 */
export async function registerCors(fastify: FastifyInstance, options: FastifyCorsOptions): Promise<void> {
  let corsHook: onRequestHookHandler | undefined;
  const hookKeeper = new Proxy(fastify, {
    get(target, property) {
      if (property === 'addHook') {
        return (name: string, hook: onRequestHookHandler) => {
          if (name !== 'onRequest' || corsHook) throw new Error(`@fastify/cors added an unexpected ${name} hook`);
          corsHook = hook;
          return hookKeeper;
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  await new Promise<void>((resolve, reject) => {
    Reflect.apply(fastifyCors, undefined, [
      hookKeeper,
      { ...options, hook: 'onRequest' },
      (error?: Error) => (error ? reject(error) : resolve()),
    ]);
  });
  const runCors = corsHook;
  if (!runCors) throw new Error('@fastify/cors added no request hook');

  fastify.addHook('onRequest', function (request, reply, done) {
    if (request.headers.origin === undefined) {
      void reply.header('vary', 'Origin');
      done();
      return;
    }
    void Reflect.apply(runCors, this, [request, reply, done]);
  });
}
