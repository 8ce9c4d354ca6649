import { Transform } from 'class-transformer';
import { ValidateIf } from 'class-validator';

/**
 * May be left out, but is never null: null is validated (and refused) instead of reaching a NOT NULL column
 * as a 500. (class-validator's @IsOptional lets null through.)
 */
export const Omittable = (): PropertyDecorator => ValidateIf((_object: unknown, value: unknown) => value !== undefined);

/** Trims surrounding whitespace from strings (other values are left for the validators to refuse). */
export const Trim = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));
