import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The committed openapi.json (what SDK generators consume; CI's openapi:check keeps it equal to the code):
 * every operation is named, tagged and documents the errors it can return.
 */
interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: { in: string; name: string }[];
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}

const spec = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, { type: string; flows?: { password?: { tokenUrl: string } } }> };
};
const operations = Object.entries(spec.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({
    name: `${method.toUpperCase()} ${path}`,
    path,
    method,
    operation,
  })),
);
const PROBLEM_REF = '#/components/schemas/ProblemDetailsDto';
const documentsProblem = (operation: Operation, status: string) =>
  operation.responses[status]?.content?.['application/problem+json']?.schema?.$ref === PROBLEM_REF;

describe('openapi.json', () => {
  it('covers every module', () => {
    const tags = new Set(operations.flatMap((o) => o.operation.tags ?? []));
    expect([...tags].sort()).toEqual(['admin', 'auth', 'operations', 'products', 'sessions', 'todos', 'users']);
  });

  it('names every operation with a unique camelCase operationId and gives it a summary and a tag', () => {
    const ids = operations.map((o) => o.operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { name, operation } of operations) {
      expect({ name, id: operation.operationId }).toEqual({ name, id: expect.stringMatching(/^[a-z][A-Za-z0-9]*$/) });
      expect({ name, summary: Boolean(operation.summary), tags: operation.tags?.length }).toEqual({
        name,
        summary: true,
        tags: 1,
      });
    }
    expect(ids).toEqual(expect.arrayContaining(['login', 'listMySessions', 'abortSession', 'listTodos', 'token']));
  });

  it('declares bearer, cookie and OAuth2 password-flow security on /api/v1/auth/token', () => {
    expect(spec.components.securitySchemes.bearer.type).toBe('http');
    expect(spec.components.securitySchemes.cookie.type).toBe('apiKey');
    expect(spec.components.securitySchemes.oauth2.flows?.password?.tokenUrl).toBe('/api/v1/auth/token');
  });

  it('documents 401 (problem+json) on every secured operation, and 403 on admin ones', () => {
    for (const { name, operation } of operations.filter((o) => o.operation.security?.length)) {
      expect({ name, documents401: documentsProblem(operation, '401') }).toEqual({ name, documents401: true });
    }
    for (const { name, operation } of operations.filter((o) => o.path.startsWith('/api/v1/admin'))) {
      expect({ name, documents403: documentsProblem(operation, '403') }).toEqual({ name, documents403: true });
    }
  });

  it('documents 422 wherever input is validated, and 404 wherever an {id} is looked up', () => {
    const checked = operations.filter((o) => o.path !== '/api/v1/auth/token' && !o.path.startsWith('/health'));
    const validating = checked.filter(
      ({ operation }) => Boolean(operation.requestBody) || (operation.parameters ?? []).some((p) => p.in !== 'header'),
    );
    const missing422 = validating.filter(({ operation }) => !documentsProblem(operation, '422')).map((o) => o.name);
    const missing404 = checked
      .filter(({ path, operation }) => path.includes('{id}') && !documentsProblem(operation, '404'))
      .map((o) => o.name);
    expect({ missing422, missing404 }).toEqual({ missing422: [], missing404: [] });
    expect(validating.length).toBeGreaterThan(10);
  });
});
