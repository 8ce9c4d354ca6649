import { newUserInput, uniqueSuffix } from '@app/testing';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request, { Response } from 'supertest';
import { adminEnv, adminTokenLogin, bearer, PROBLEM, register, tokenLogin } from './support/auth-helpers';
import { startTestApp, TestApp } from './support/test-app';

/*
 * Property-based fuzzing of every write operation of the build-time OpenAPI spec (openapi.json, read at run time,
 * so operations added to it — todos, products — are fuzzed without changing this file). Bodies come from the
 * operation's request schema (valid values mixed with boundary and wrong-typed ones) and from arbitrary JSON.
 * Every response must be < 500; a 4xx must be problem+json (or what the operation documents for that status,
 * e.g. the RFC 6749 errors of the token endpoint); a 2xx must match the documented response schema exactly.
 *
 * Reproduce a failure with the seed (and the path fast-check prints): FUZZ_SEED=<seed> npm run test:jest -- <file>
 */

const SEED = Number(process.env.FUZZ_SEED ?? 20_260_601);
const NUM_RUNS = Number(process.env.FUZZ_RUNS ?? 40);
/** Each fuzzed operation is one test; shrinking a counterexample against the real server takes a while. */
const OPERATION_TIMEOUT_MS = 120_000;
const TOKEN_PATH = '/api/v1/auth/token';

// ---------------------------------------------------------------------------------------------------------------
// The spec

interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  nullable?: boolean;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

interface Content {
  schema?: Schema;
}

interface Operation {
  method: string;
  path: string;
  summary?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, Content> };
  responses: Record<string, { content?: Record<string, Content> }>;
}

interface Spec {
  paths: Record<string, Record<string, Omit<Operation, 'method' | 'path'>>>;
  components: { schemas: Record<string, Schema> };
}

const WRITE_METHODS = ['post', 'put', 'patch', 'delete'];

function readSpec(): Spec {
  return JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'openapi.json'), 'utf8')) as Spec;
}

function operationsOf(spec: Spec): Operation[] {
  return Object.entries(spec.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => WRITE_METHODS.includes(method))
      .map(([method, operation]) => ({ ...operation, method, path })),
  );
}

/** Write operations with something to fuzz: a JSON body, path or query parameters. The token endpoint apart. */
function fuzzableOperations(spec: Spec): Operation[] {
  return operationsOf(spec).filter(
    (op) =>
      op.path !== TOKEN_PATH &&
      (op.requestBody?.content['application/json'] !== undefined ||
        (op.parameters ?? []).some((p) => p.in === 'path' || p.in === 'query')),
  );
}

function isAdminOperation(op: Operation): boolean {
  return (op.tags ?? []).includes('admin') || /\(admin\b/i.test(op.summary ?? '');
}

function isPublicOperation(op: Operation): boolean {
  return op.security === undefined || op.security.length === 0;
}

function resolve(spec: Spec, schema: Schema | undefined): Schema {
  if (!schema) return {};
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = spec.components.schemas[name];
    if (!target) throw new Error(`unresolvable $ref ${schema.$ref}`);
    const { $ref: _ref, ...rest } = schema;
    return resolve(spec, { ...target, ...rest });
  }
  if (schema.allOf) {
    const { allOf, ...rest } = schema;
    return allOf
      .map((s) => resolve(spec, s))
      .reduce<Schema>(
        (merged, s) => ({
          ...merged,
          ...s,
          properties: { ...merged.properties, ...s.properties },
          required: [...(merged.required ?? []), ...(s.required ?? [])],
        }),
        rest,
      );
  }
  return schema;
}

// ---------------------------------------------------------------------------------------------------------------
// A validator for the JSON-schema subset the spec uses

interface ValidateOptions {
  /** problem+json may carry extension members (RFC 9457 §3.2); documented 2xx bodies may not. */
  allowExtraKeys: boolean;
}

function validate(spec: Spec, schemaIn: Schema | undefined, value: unknown, where: string, options: ValidateOptions) {
  const schema = resolve(spec, schemaIn);
  const errors: string[] = [];
  const fail = (message: string) => errors.push(`${where}: ${message} (got ${JSON.stringify(value)?.slice(0, 80)})`);
  if (value === null) {
    if (!schema.nullable && schema.type !== undefined) fail('null, but not nullable');
    return errors;
  }
  if (value === undefined) {
    fail('missing');
    return errors;
  }
  const branches = schema.oneOf ?? schema.anyOf;
  if (branches) {
    if (!branches.some((branch) => validate(spec, branch, value, where, options).length === 0)) {
      fail('matches none of oneOf/anyOf');
    }
    return errors;
  }
  if (schema.enum && !schema.enum.includes(value)) fail(`not one of ${JSON.stringify(schema.enum)}`);
  const type = schema.type ?? (schema.properties ? 'object' : schema.items ? 'array' : undefined);
  switch (type) {
    case 'string':
      if (typeof value !== 'string') {
        fail('not a string');
        break;
      }
      if (schema.format === 'date-time' && !/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(value)) fail('not a date-time');
      if (schema.format === 'date-time' && Number.isNaN(Date.parse(value))) fail('not a date-time');
      if (schema.format === 'uuid' && !UUID.test(value)) fail('not a UUID');
      if (schema.minLength !== undefined && [...value].length < schema.minLength) fail('shorter than minLength');
      if (schema.maxLength !== undefined && [...value].length > schema.maxLength) fail('longer than maxLength');
      break;
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) fail(`not a ${type}`);
      else if (type === 'integer' && !Number.isInteger(value)) fail('not an integer');
      else if (schema.minimum !== undefined && value < schema.minimum) fail('below minimum');
      else if (schema.maximum !== undefined && value > schema.maximum) fail('above maximum');
      break;
    case 'boolean':
      if (typeof value !== 'boolean') fail('not a boolean');
      break;
    case 'array':
      if (!Array.isArray(value)) fail('not an array');
      else value.forEach((item, i) => errors.push(...validate(spec, schema.items, item, `${where}[${i}]`, options)));
      break;
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) {
        fail('not an object');
        break;
      }
      const record = value as Record<string, unknown>;
      const properties = schema.properties ?? {};
      for (const key of schema.required ?? []) if (!(key in record)) errors.push(`${where}.${key}: required, missing`);
      for (const [key, inner] of Object.entries(record)) {
        if (properties[key]) errors.push(...validate(spec, properties[key], inner, `${where}.${key}`, options));
        else if (!options.allowExtraKeys && !schema.additionalProperties) errors.push(`${where}.${key}: undocumented`);
      }
      break;
    }
  }
  return errors;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// ---------------------------------------------------------------------------------------------------------------
// Arbitraries from schemas

/** A value that is only known when the request is sent (the caller's current login or password). */
class ActorRef {
  constructor(readonly field: keyof ActorCredentials) {}
  toString(): string {
    return `<actor.${this.field}>`;
  }
}

/** A path id chosen from the ids known when the request is sent (the caller's own, someone else's, created ones). */
class KnownId {
  constructor(readonly index: number) {}
  toString(): string {
    return `<known id #${this.index}>`;
  }
}

interface ActorCredentials {
  login: string;
  email: string;
  password: string;
  refresh_token: string;
}

const RUN = uniqueSuffix().slice(-6);

/** Strings that have broken servers before, in families so that each family comes up often. */
const NASTY_STRING_FAMILIES: string[][] = [
  // control characters and broken UTF-16 (Postgres refuses NUL in text)
  ['\u0000', 'a\u0000b', '\u0001\u001f\u007f', '\ud800', 'x\udc00x'],
  // whitespace and Unicode that trims, normalizes or renders unexpectedly
  ['', ' ', '   padded   ', '\t\r\n', '\u202e\u0644\u0627', 'e\u0301', '\u00a0', '🔒'.repeat(30)],
  // SQL, LIKE wildcards, markup, templates, paths
  [
    "' OR 1=1 --",
    "Robert'); DROP TABLE users;--",
    '%',
    '_',
    '\\',
    '<script>alert(1)</script>',
    '{{7*7}}',
    '${7*7}',
    '../../etc/passwd',
  ],
  // strings that look like other types
  ['null', 'true', '0', '-1', '1e309', 'NaN', '[]', '{}'],
];
const NASTY_STRINGS = NASTY_STRING_FAMILIES.flat();

const NASTY_NUMBERS = [
  0,
  -0,
  -1,
  0.5,
  1.005,
  1e-7,
  1e21,
  2 ** 31,
  2 ** 31 - 1,
  2 ** 53 + 2,
  2 ** 63,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
];

/** null (the classic for NOT NULL columns), other types, and any JSON. */
const wrongTyped: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(null) },
  {
    weight: 3,
    arbitrary: fc.constantFrom<unknown>(true, false, 0, 1, -1, 1.5, '', 'true', '1', [], {}, [null], { a: 1 }, ['x']),
  },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

const UNKNOWN_KEYS = ['role', 'is_active', 'id', 'user_id', 'password_hash', 'created_at', '__proto__', 'constructor'];

/** Valid values the server can't guess from the schema alone: unique names, strong passwords, real credentials. */
function hintFor(property: string): fc.Arbitrary<unknown> | undefined {
  const unique = fc.nat({ max: 1_000_000 });
  switch (property) {
    case 'username':
      return fc.tuple(fc.constantFrom('fz', 'Fz.', 'fz-', 'FZ_'), unique).map(([p, n]) => `${p}${RUN}${n}`);
    case 'email':
      return fc.tuple(fc.constantFrom('fz', 'Fz.x', 'fz+tag'), unique).map(([p, n]) => `${p}${RUN}${n}@Example.test`);
    case 'password':
    case 'new_password':
      return fc.oneof(
        unique.map((n) => `correct horse ${RUN} ${n}`),
        // the caller's own: lets POST /auth/login succeed (and is refused as a new password of the same user)
        fc.constant(new ActorRef('password')),
        fc.string({ unit: 'grapheme', minLength: 8, maxLength: 40 }),
      );
    case 'current_password':
      return fc.oneof(fc.constant(new ActorRef('password')), fc.string({ minLength: 1, maxLength: 20 }));
    case 'login':
      return fc.oneof(
        fc.constant(new ActorRef('login')),
        fc.constant(new ActorRef('email')),
        fc.string({ minLength: 1, maxLength: 20 }),
      );
    default:
      return undefined;
  }
}

class Arbitraries {
  constructor(private readonly spec: Spec) {}

  /** Mostly valid, sometimes at or past a boundary, sometimes of the wrong type. */
  value(schemaIn: Schema | undefined, property?: string, depth = 0): fc.Arbitrary<unknown> {
    return fc.oneof(
      { weight: 6, arbitrary: this.valid(schemaIn, property, depth) },
      { weight: 2, arbitrary: this.boundary(schemaIn) },
      { weight: 1, arbitrary: wrongTyped },
    );
  }

  valid(schemaIn: Schema | undefined, property?: string, depth = 0): fc.Arbitrary<unknown> {
    const schema = resolve(this.spec, schemaIn);
    const arbitrary = this.validNonNull(schema, property, depth);
    return schema.nullable
      ? fc.oneof({ weight: 4, arbitrary }, { weight: 1, arbitrary: fc.constant(null) })
      : arbitrary;
  }

  private validNonNull(schema: Schema, property: string | undefined, depth: number): fc.Arbitrary<unknown> {
    if (schema.oneOf ?? schema.anyOf) {
      return fc.oneof(...(schema.oneOf ?? schema.anyOf ?? []).map((s) => this.valid(s, property, depth)));
    }
    if (schema.enum) return fc.constantFrom(...schema.enum);
    const hint = property ? hintFor(property) : undefined;
    if (hint && (schema.type === 'string' || schema.type === undefined)) return hint;
    const type = schema.type ?? (schema.properties ? 'object' : schema.items ? 'array' : 'string');
    switch (type) {
      case 'string':
        return this.validString(schema);
      case 'integer':
        return fc.integer({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000 });
      case 'number':
        return fc.oneof(
          // counts and amounts are mostly small and non-negative, whatever the spec says of their range
          { weight: 3, arbitrary: fc.nat({ max: 10_000 }) },
          {
            weight: 1,
            arbitrary: fc.integer({
              min: Math.ceil(schema.minimum ?? -1_000_000),
              max: Math.floor(schema.maximum ?? 1_000_000),
            }),
          },
          {
            weight: 1,
            arbitrary: fc.double({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000, noNaN: true }),
          },
          // two decimals, as prices are
          { weight: 2, arbitrary: fc.integer({ min: 0, max: 10_000_000 }).map((cents) => cents / 100) },
        );
      case 'boolean':
        return fc.boolean();
      case 'array':
        return depth > 3 ? fc.constant([]) : fc.array(this.value(schema.items, undefined, depth + 1), { maxLength: 4 });
      case 'object':
        return depth > 3 ? fc.constant({}) : this.object(schema, depth + 1);
      default:
        return fc.jsonValue({ maxDepth: 1 });
    }
  }

  private validString(schema: Schema): fc.Arbitrary<unknown> {
    const minLength = schema.minLength ?? 0;
    const maxLength = Math.min(schema.maxLength ?? 60, minLength + 60);
    switch (schema.format) {
      case 'uuid':
        return fc.uuid();
      case 'email':
        return fc.emailAddress();
      case 'date-time':
        return fc
          .date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
          .map((d) => d.toISOString());
    }
    if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern));
    return fc.oneof(
      { weight: 3, arbitrary: fc.string({ minLength, maxLength }) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength, maxLength }) },
    );
  }

  /** Lengths and numbers at and just past the documented limits, and strings that have broken servers before. */
  boundary(schemaIn: Schema | undefined): fc.Arbitrary<unknown> {
    const schema = resolve(this.spec, schemaIn);
    const type = schema.type ?? (schema.properties ? 'object' : 'string');
    if (type === 'integer' || type === 'number') {
      const limits = [schema.minimum, schema.maximum].filter((n): n is number => n !== undefined);
      return fc.constantFrom(
        ...NASTY_NUMBERS,
        ...limits.flatMap((n) => [n - 1, n, n + 1, n - 0.01, n + 0.01]),
        ...NASTY_NUMBERS.map((n) => -n),
      );
    }
    if (type === 'string') {
      const lengths = [schema.minLength, schema.maxLength].filter((n): n is number => n !== undefined);
      const around = [...lengths.flatMap((n) => [n - 1, n, n + 1]), 256, 10_000].filter((l) => l >= 0);
      return fc.oneof(
        ...NASTY_STRING_FAMILIES.map((family) => fc.constantFrom(...family)),
        fc.constantFrom(...around).map((l) => 'x'.repeat(l)),
        fc.constantFrom(...around).map((l) => 'é'.repeat(l)),
        fc.string({ unit: 'binary', maxLength: 30 }),
      );
    }
    return wrongTyped;
  }

  /** A value the schema does not allow, or one at its edges. */
  invalid(schemaIn: Schema | undefined): fc.Arbitrary<unknown> {
    return fc.oneof({ weight: 3, arbitrary: this.boundary(schemaIn) }, { weight: 2, arbitrary: wrongTyped });
  }

  /**
   * Valid properties (required ones present, optional ones sometimes), then up to two of them replaced by an edge
   * or wrong-typed value, so that a bad value usually travels with good ones and gets past validation of the
   * rest; now and then a required property dropped and an unknown one added.
   */
  object(schemaIn: Schema | undefined, depth = 0): fc.Arbitrary<Record<string, unknown>> {
    const schema = resolve(this.spec, schemaIn);
    const properties = schema.properties ?? {};
    const keys = Object.keys(properties);
    const required = (schema.required ?? []).filter((key) => key in properties);
    const valid = fc.record(Object.fromEntries(keys.map((key) => [key, this.valid(properties[key], key, depth)])), {
      requiredKeys: required,
    });
    const invalid = fc.record(Object.fromEntries(keys.map((key) => [key, this.invalid(properties[key])])));
    const mutated = fc.subarray(keys, { maxLength: 2 });
    const dropped: fc.Arbitrary<string[]> = required.length
      ? fc.oneof(
          { weight: 5, arbitrary: fc.constant<string[]>([]) },
          { weight: 1, arbitrary: fc.subarray(required, { minLength: 1 }) },
        )
      : fc.constant<string[]>([]);
    const extra: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
      { weight: 5, arbitrary: fc.constant({}) },
      {
        weight: 1,
        arbitrary: fc.dictionary(fc.oneof(fc.constantFrom(...UNKNOWN_KEYS), fc.string({ maxLength: 8 })), wrongTyped, {
          minKeys: 1,
          maxKeys: 2,
        }),
      },
    );
    return fc.tuple(valid, invalid, mutated, dropped, extra).map(([good, bad, mutate, drop, more]) => {
      const body: Record<string, unknown> = { ...good };
      for (const key of mutate) body[key] = bad[key];
      for (const key of drop) delete body[key];
      for (const [key, value] of Object.entries(more)) {
        Object.defineProperty(body, key, { value, enumerable: true, configurable: true, writable: true });
      }
      return body;
    });
  }

  /** A request body: from the schema most of the time, otherwise any JSON at all. */
  body(schema: Schema): fc.Arbitrary<unknown> {
    return fc.oneof(
      { weight: 6, arbitrary: this.object(schema) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
      { weight: 1, arbitrary: fc.object({ maxDepth: 2 }) },
    );
  }

  /** A path parameter: a random UUID, an id the caller or someone else really has, or junk. */
  pathParameter(schemaIn: Schema | undefined): fc.Arbitrary<unknown> {
    const schema = resolve(this.spec, schemaIn);
    const junk = fc.oneof(
      fc.constantFrom('1', '-1', '0', 'null', 'undefined', '%00', '..', "' OR 1=1 --", ' ', 'x'.repeat(200)),
      fc.constantFrom('00000000-0000-0000-0000-000000000000', 'FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF'),
      fc.uuid().map((u) => `{${u}}`),
      fc.uuid().map((u) => u.replace(/-/g, '')),
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 20 }),
    );
    const valid = schema.format === 'uuid' ? fc.uuid() : this.valid(schema);
    return fc.oneof(
      { weight: 2, arbitrary: valid },
      { weight: 4, arbitrary: fc.nat().map((n) => new KnownId(n)) },
      { weight: 2, arbitrary: junk },
    );
  }

  queryParameter(parameter: Parameter): fc.Arbitrary<unknown> {
    const value = this.value(parameter.schema, parameter.name);
    return parameter.required
      ? fc.oneof({ weight: 6, arbitrary: value }, { weight: 1, arbitrary: fc.constant(undefined) })
      : fc.option(value, { nil: undefined });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The callers

interface Actor extends ActorCredentials {
  id: string;
  access_token: string;
  session_id: string;
}

function sidOf(accessToken: string): string {
  const payload = JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString('utf8')) as { sid: string };
  return payload.sid;
}

/** Strings that can't be sent in a URL (lone surrogates) made sendable. */
function sendable(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** A request as a failure message shows it: long strings cut short. */
function describeRequest(sent: SentRequest): string {
  const body = JSON.stringify(sent.body, (_key, value: unknown) =>
    typeof value === 'string' && value.length > 120 ? `${value.slice(0, 40)}…(${value.length} chars)` : value,
  );
  return `${sent.method} ${sent.url.length > 300 ? `${sent.url.slice(0, 300)}…` : sent.url} ${body ?? '(no body)'}`;
}

interface FuzzRequest {
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
}

interface SentRequest {
  method: string;
  url: string;
  body: unknown;
}

function materialize(value: unknown, actor: Actor): unknown {
  if (value instanceof ActorRef) return actor[value.field];
  if (Array.isArray(value)) return value.map((item) => materialize(item, actor));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      Object.defineProperty(out, key, {
        value: materialize(inner, actor),
        enumerable: true,
        configurable: true,
        writable: true,
      });
    }
    return out;
  }
  return value;
}

function queryValue(value: unknown): string {
  return sendable(typeof value === 'string' ? value : JSON.stringify(value));
}

// ---------------------------------------------------------------------------------------------------------------
// The tests

const LEAK = /QueryFailedError|TypeORM|node_modules|\n\s+at |\bat [\w$.<>]+ \(|\.ts:\d+|violates|syntax error at/;

const spec = readSpec();
const operations = fuzzableOperations(spec);

describe(`fuzzing the write operations of openapi.json (fast-check seed ${SEED}, ${NUM_RUNS} runs each)`, () => {
  let sut: TestApp;
  let user: Actor;
  let admin: Actor;
  /** Ids that belong to someone else than the caller: another user and their session. */
  let othersIds: string[];
  /** Ids of resources created while fuzzing (users, todos, products...). */
  const createdIds: string[] = [];
  const undocumented = new Set<string>();
  /** Statuses seen per operation, printed at the end: shows whether fuzzing got past validation. */
  const seen = new Map<string, Map<number, number>>();
  function count(op: Operation, status: number): void {
    const name = `${op.method.toUpperCase()} ${op.path}`;
    const statuses = seen.get(name) ?? new Map<number, number>();
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    seen.set(name, statuses);
  }

  async function login(actor: Omit<Actor, 'access_token' | 'session_id' | 'refresh_token'>): Promise<Actor> {
    const tokens = await tokenLogin(sut.server, actor.login, actor.password);
    return {
      ...actor,
      access_token: tokens.access_token,
      refresh_token: tokens.refresh_token,
      session_id: sidOf(tokens.access_token),
    };
  }

  /** Fuzzing may end the caller's session (DELETE /sessions?scope=all, ...): log in again when it did. */
  async function alive(actor: Actor): Promise<Actor> {
    const res = await request(sut.server).get('/api/v1/auth/session').set(bearer(actor.access_token));
    if (res.status === 200) return actor;
    return Object.assign(actor, await login(actor));
  }

  beforeAll(async () => {
    sut = await startTestApp({ env: adminEnv() });
    const { input, user: body } = await register(sut.server);
    user = await login({ id: body.id, login: input.username, email: input.email, password: input.password });

    const seeded = await adminTokenLogin(sut.server);
    const adminInput = newUserInput();
    const created = await request(sut.server)
      .post('/api/v1/users')
      .set(bearer(seeded.access_token))
      .send({ ...adminInput, role: 'admin' })
      .expect(201);
    admin = await login({
      id: (created.body as { id: string }).id,
      login: adminInput.username,
      email: adminInput.email,
      password: adminInput.password,
    });

    const other = await register(sut.server);
    const otherTokens = await tokenLogin(sut.server, other.input.username, other.input.password);
    othersIds = [other.user.id, sidOf(otherTokens.access_token)];
  });
  afterAll(async () => {
    const histogram = [...seen].map(
      ([name, statuses]) =>
        `${name}: ${[...statuses]
          .sort(([a], [b]) => a - b)
          .map(([status, n]) => `${status}×${n}`)
          .join(' ')}`,
    );
    console.log(
      [
        `fast-check seed ${SEED}; statuses seen:`,
        ...histogram,
        '4xx statuses the spec does not document (not failures):',
        ...[...undocumented].sort(),
      ].join('\n'),
    );
    await sut?.close();
  });

  function knownIds(actor: Actor): string[] {
    return [actor.id, actor.session_id, ...othersIds, ...createdIds];
  }

  /** Everything wrong with a response; [] when it keeps the contract. */
  function contractViolations(op: Operation, res: Response): string[] {
    const problems: string[] = [];
    const text = res.text ?? '';
    const contentType = String(res.headers['content-type'] ?? '');
    if (res.status >= 500) return [`${res.status} server error: ${text.slice(0, 300)}`];
    const documented = op.responses[String(res.status)];
    if (res.status >= 400) {
      if (LEAK.test(text)) problems.push(`the body leaks internals: ${text.slice(0, 300)}`);
      const [documentedType, documentedContent] = Object.entries(documented?.content ?? {})[0] ?? [];
      if (documentedType && documentedType !== 'application/problem+json') {
        // e.g. the RFC 6749 errors of the token endpoint
        if (!contentType.startsWith(documentedType))
          problems.push(`content-type ${contentType}, not ${documentedType}`);
        problems.push(...validate(spec, documentedContent?.schema, res.body, 'body', { allowExtraKeys: false }));
        return problems;
      }
      if (!documented) undocumented.add(`${op.method.toUpperCase()} ${op.path} → ${res.status}`);
      if (!PROBLEM.test(contentType)) problems.push(`content-type ${contentType}, not application/problem+json`);
      const body = res.body as { status?: unknown; code?: unknown };
      if (body?.status !== res.status) problems.push(`body.status ${String(body?.status)} ≠ HTTP ${res.status}`);
      if (typeof body?.code !== 'string') problems.push(`body.code is not a string: ${JSON.stringify(body?.code)}`);
      problems.push(
        ...validate(spec, { $ref: '#/components/schemas/ProblemDetailsDto' }, res.body, 'problem', {
          allowExtraKeys: true,
        }),
      );
      return problems;
    }
    if (!documented) return [`${res.status} is not a documented response of this operation`];
    const json = documented.content?.['application/json'];
    if (!json) {
      if (text !== '') problems.push(`a documented empty ${res.status} has a body: ${text.slice(0, 200)}`);
      return problems;
    }
    if (!contentType.startsWith('application/json')) problems.push(`content-type ${contentType}, not application/json`);
    problems.push(...validate(spec, json.schema, res.body, 'body', { allowExtraKeys: false }));
    return problems;
  }

  /** What fuzzing learns from a success: ids to reuse, and the caller's new username or password. */
  function learn(op: Operation, actor: Actor, sent: SentRequest, res: Response): void {
    if (res.status >= 300) return;
    const body = res.body as Record<string, unknown> | undefined;
    const id = body?.id;
    if (typeof id === 'string' && op.method === 'post' && createdIds.length < 200) createdIds.push(id);
    if (body?.id === actor.id && typeof body.username === 'string') actor.login = body.username;
    if (body?.id === actor.id && typeof body.email === 'string') actor.email = body.email;
    const sentBody = sent.body as Record<string, unknown> | undefined;
    if (op.path.endsWith('/auth/password') && typeof sentBody?.new_password === 'string') {
      actor.password = sentBody.new_password;
    }
  }

  function requestArbitrary(op: Operation): fc.Arbitrary<FuzzRequest> {
    const arbitraries = new Arbitraries(spec);
    const parameters = op.parameters ?? [];
    const path = fc.record(
      Object.fromEntries(
        parameters.filter((p) => p.in === 'path').map((p) => [p.name, arbitraries.pathParameter(p.schema)]),
      ),
    );
    const query = fc.record(
      Object.fromEntries(
        parameters.filter((p) => p.in === 'query').map((p) => [p.name, arbitraries.queryParameter(p)]),
      ),
    );
    const json = op.requestBody?.content['application/json'];
    const body: fc.Arbitrary<unknown> = json ? arbitraries.body(json.schema ?? {}) : fc.constant(undefined);
    return fc.record({ path, query, body });
  }

  function send(
    op: Operation,
    actor: Actor,
    generated: FuzzRequest,
  ): { sent: SentRequest; response: Promise<Response> } {
    const ids = knownIds(actor);
    let url = op.path;
    for (const [name, raw] of Object.entries(generated.path)) {
      const value = raw instanceof KnownId ? ids[raw.index % ids.length] : raw;
      url = url.replace(`{${name}}`, encodeURIComponent(sendable(String(value))));
    }
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(generated.query)) {
      if (value !== undefined) query.append(name, queryValue(value));
    }
    if (query.toString()) url += `?${query.toString()}`;
    const body = materialize(generated.body, actor);
    const sent = { method: op.method.toUpperCase(), url, body };
    let req = request(sut.server)[op.method as 'post' | 'put' | 'patch' | 'delete'](url);
    if (!isPublicOperation(op)) req = req.set(bearer(actor.access_token));
    if (body !== undefined) req = req.set('content-type', 'application/json').send(JSON.stringify(body));
    return { sent, response: req.then((res) => res) };
  }

  it('finds write operations to fuzz in openapi.json', () => {
    expect(operations.map((op) => `${op.method.toUpperCase()} ${op.path}`)).toEqual(
      expect.arrayContaining(['POST /api/v1/auth/register', 'PATCH /api/v1/users/me', 'DELETE /api/v1/users/{id}']),
    );
  });

  it.each(operations.map((op) => [`${op.method.toUpperCase()} ${op.path}`, op] as const))(
    '%s: never 5xx, 4xx are problem+json, 2xx match the documented schema',
    async (_name, op) => {
      await fc.assert(
        fc.asyncProperty(requestArbitrary(op), async (generated) => {
          const actor = await alive(isAdminOperation(op) ? admin : user);
          const { sent, response } = send(op, actor, generated);
          const res = await response;
          count(op, res.status);
          learn(op, actor, sent, res);
          const described = describeRequest(sent);
          expect({ request: described, status: res.status, violations: contractViolations(op, res) }).toEqual({
            request: described,
            status: res.status,
            violations: [],
          });
        }),
        { numRuns: NUM_RUNS, seed: SEED },
      );
    },
    OPERATION_TIMEOUT_MS,
  );

  describe('POST /auth/token (form-encoded)', () => {
    const tokenOperation = operationsOf(spec).find((op) => op.path === TOKEN_PATH && op.method === 'post');

    /** Arbitrary form fields: the real names and values (some of them the caller's credentials) and junk. */
    const formArbitrary = fc.array(
      fc.tuple(
        fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom('grant_type', 'username', 'password', 'refresh_token') },
          {
            weight: 1,
            arbitrary: fc.constantFrom(
              'scope',
              'client_id',
              'client_secret',
              'grant_type[]',
              '__proto__',
              'constructor',
            ),
          },
          { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
        ),
        fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom<unknown>('password', 'refresh_token', 'client_credentials', '') },
          {
            weight: 3,
            arbitrary: fc.constantFrom<unknown>(
              new ActorRef('login'),
              new ActorRef('email'),
              new ActorRef('password'),
              new ActorRef('refresh_token'),
            ),
          },
          { weight: 2, arbitrary: fc.constantFrom<unknown>(...NASTY_STRINGS) },
          { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
        ),
      ),
      { maxLength: 6 },
    );

    it(
      'never 5xx; 400 is an RFC 6749 error, 200 a token response',
      async () => {
        expect(tokenOperation).toBeDefined();
        const op = tokenOperation!;
        // a caller of its own: the fuzzer rotates (and may reuse) its refresh tokens
        const { input, user: body } = await register(sut.server);
        const caller = await login({
          id: body.id,
          login: input.username,
          email: input.email,
          password: input.password,
        });
        await fc.assert(
          fc.asyncProperty(formArbitrary, async (fields) => {
            const form = new URLSearchParams();
            for (const [name, value] of fields) form.append(name, sendable(String(materialize(value, caller))));
            const res = await request(sut.server)
              .post(TOKEN_PATH)
              .set('content-type', 'application/x-www-form-urlencoded')
              .send(form.toString());
            count(op, res.status);
            const refresh = (res.body as { refresh_token?: unknown }).refresh_token;
            if (res.status === 200 && typeof refresh === 'string' && form.get('grant_type') === 'refresh_token') {
              caller.refresh_token = refresh;
            }
            expect({ form: form.toString(), status: res.status, violations: contractViolations(op, res) }).toEqual({
              form: form.toString(),
              status: res.status,
              violations: [],
            });
          }),
          { numRuns: NUM_RUNS * 2, seed: SEED },
        );
      },
      OPERATION_TIMEOUT_MS,
    );
  });
});
