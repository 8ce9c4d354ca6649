import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, ValidationFailedError } from '../errors/app-error';
import { mergeByField } from '../errors/field-errors';

/**
 * Flattens class-validator's tree into one entry per bad field (dotted paths for nested ones); when a field
 * fails several rules, their messages are joined.
 */
export function toFieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return mergeByField(
    errors.flatMap((error) => {
      const field = parent ? `${parent}.${error.property}` : error.property;
      const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
      return [...own, ...toFieldErrors(error.children ?? [], field)];
    }),
  );
}

/** Deeper than any DTO of this API; deeper input is refused before class-transformer recurses into it. */
const MAX_DEPTH = 16;

/**
 * What no field may hold, whatever its DTO says: NUL characters (Postgres can't store them: a 500), ill-formed
 * UTF-16 (lone surrogates crash validator.js), and nesting deeper than MAX_DEPTH (a stack overflow).
 */
export function findHostileInput(value: unknown, field = '', depth = 0): FieldError[] {
  const name = field || 'body';
  if (typeof value === 'string') {
    if (value.includes('\u0000')) return [{ field: name, message: `${name} must not contain NUL characters` }];
    if (!value.isWellFormed()) return [{ field: name, message: `${name} must be valid Unicode text` }];
    return [];
  }
  if (typeof value !== 'object' || value === null) return [];
  if (depth >= MAX_DEPTH) return [{ field: name, message: `${name} is nested too deeply` }];
  return Object.entries(value).flatMap(([key, child]) => [
    ...findHostileInput(key, field ? `${field}.${key}` : key, depth + 1),
    ...findHostileInput(child, field ? `${field}.${key}` : key, depth + 1),
  ]);
}

/** Longer query strings are validated every time; so is anything past this many distinct ones per DTO. */
const MAX_REMEMBERED_QUERY_LENGTH = 256;
const MAX_REMEMBERED_QUERIES = 256;

type Constructor = new (...args: never[]) => unknown;

/**
 * ValidationPipe, after findHostileInput has looked at bodies, queries and path parameters bound to a DTO.
 *
 * Valid query strings are remembered per DTO: clients repeat the same few (the same list, the same page), and
 * class-validator looks up a DTO's rules by scanning every DTO class on each call (~10 % of the CPU of GET
 * /todos). Query DTOs are flat and their rules pure, so the same input always gives the same fields; each hit
 * gets its own copy. Invalid input is not remembered: it is validated (and refused) every time.
 */
class StrictValidationPipe extends ValidationPipe {
  private readonly validQueries = new WeakMap<Constructor, Map<string, Record<string, unknown>>>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const bound = metadata.metatype && metadata.metatype !== Object && metadata.type !== 'custom';
    if (!bound) return super.transform(value, metadata) as Promise<unknown>;
    const metatype = metadata.metatype as Constructor;
    const key = metadata.type === 'query' ? queryKey(value) : undefined;
    const remembered = key === undefined ? undefined : this.validQueries.get(metatype)?.get(key);
    if (remembered) return Object.assign(Object.create(metatype.prototype as object) as object, remembered);

    const problems = findHostileInput(value);
    if (problems.length) throw new ValidationFailedError(problems);
    const result = (await super.transform(value, metadata)) as unknown;
    if (key !== undefined) this.remember(metatype, key, result);
    return result;
  }

  private remember(metatype: Constructor, key: string, result: unknown): void {
    if (typeof result !== 'object' || result === null) return;
    const fields = { ...result } as Record<string, unknown>;
    if (!Object.values(fields).every((field) => field === null || typeof field !== 'object')) return;
    let byQuery = this.validQueries.get(metatype);
    if (!byQuery) this.validQueries.set(metatype, (byQuery = new Map<string, Record<string, unknown>>()));
    if (byQuery.size >= MAX_REMEMBERED_QUERIES) byQuery.clear();
    byQuery.set(key, fields);
  }
}

/** The parsed query string as a key, or undefined when it is too long to be worth remembering. */
function queryKey(value: unknown): string | undefined {
  const key = JSON.stringify(value ?? {});
  return key.length <= MAX_REMEMBERED_QUERY_LENGTH ? key : undefined;
}

/**
 * Strict by default: unknown fields are refused (mass-assignment guard), payloads are transformed into DTO
 * instances, and failures are 422 with one entry per field.
 */
export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationFailedError(toFieldErrors(errors)),
  });
}
