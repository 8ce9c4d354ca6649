'use strict';
// The benchmark's baseline: a bare Nest app on the same adapter as the service (Fastify), with one route,
// GET /hello -> {"hello":"world"}. Plain CommonJS: @nestjs/* are ESM-only and load through Node's require(esm).
// Listens on 127.0.0.1:$PORT and prints "baseline listening on <port>" once ready.
require('reflect-metadata');
const { Controller, Get, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { FastifyAdapter } = require('@nestjs/platform-fastify');

class HelloController {
  hello() {
    return { hello: 'world' };
  }
}
Reflect.decorate(
  [Get('hello')],
  HelloController.prototype,
  'hello',
  Object.getOwnPropertyDescriptor(HelloController.prototype, 'hello'),
);
Reflect.decorate([Controller()], HelloController);

class BaselineModule {}
Reflect.decorate([Module({ controllers: [HelloController] })], BaselineModule);

async function main() {
  const app = await NestFactory.create(BaselineModule, new FastifyAdapter(), { logger: false });
  const port = Number(process.env.PORT ?? 0);
  await app.listen({ port, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  process.stdout.write(`baseline listening on ${address.port}\n`);
  const stop = () => {
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error) => {
  process.stderr.write(`baseline failed: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
