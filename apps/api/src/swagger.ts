import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

export const API_PREFIX = 'api/v1';
/** Operational routes stay at the root, where probes and scrapers expect them. */
export const API_PREFIX_EXCLUDES = ['health', 'health/ready', 'metrics'];

/** The OpenAPI document of the app as wired (used by /docs, /openapi.json and `npm run openapi`). */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('user-management-api')
    .setDescription(
      'Users, login, sessions, todos and products. Errors are application/problem+json (RFC 9457) with a stable `code`.',
    )
    .setVersion('1.0.0')
    .setContact('user-management-api maintainers', '', 'maintainers@example.com')
    .setLicense('UNLICENSED', '')
    .addServer('/', 'this server')
    .addTag('auth', 'Registration, login (cookies or OAuth2 tokens), refresh, logout, password')
    .addTag('users', 'My account; user administration')
    .addTag('sessions', 'My sessions: list and end them')
    .addTag('admin', 'Anyone’s sessions (admin)')
    .addTag('todos', 'My todos')
    .addTag('products', 'The product catalogue (public reads, admin writes)')
    .addTag('operations', 'Health probes')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .addCookieAuth('access_token', { type: 'apiKey', in: 'cookie', name: 'access_token' }, 'cookie')
    .addOAuth2({ type: 'oauth2', flows: { password: { tokenUrl: `/${API_PREFIX}/auth/token`, scopes: {} } } }, 'oauth2')
    .build();
  return SwaggerModule.createDocument(app, config, {
    operationIdFactory: (_controllerKey, methodKey) => methodKey,
  });
}

export function setupSwagger(app: INestApplication): void {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
    swaggerOptions: { persistAuthorization: false },
  });
}
