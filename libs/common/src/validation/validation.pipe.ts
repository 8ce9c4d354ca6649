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

/** ValidationPipe, after findHostileInput has looked at bodies, queries and path parameters bound to a DTO. */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const bound = metadata.metatype && metadata.metatype !== Object && metadata.type !== 'custom';
    const problems = bound ? findHostileInput(value) : [];
    if (problems.length) throw new ValidationFailedError(problems);
    return super.transform(value, metadata) as Promise<unknown>;
  }
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
