import { ValidationError, ValidationPipe } from '@nestjs/common';
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

/**
 * Strict by default: unknown fields are refused (mass-assignment guard), payloads are transformed into DTO
 * instances, and failures are 422 with one entry per field.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationFailedError(toFieldErrors(errors)),
  });
}
