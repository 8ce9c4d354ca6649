import { Trim } from '@app/common';
import { applyDecorators } from '@nestjs/common';
import { IsInt, IsNumber, IsOptional, IsString, Max, MaxLength, Min, MinLength, ValidateBy } from 'class-validator';

/** The largest numeric(12,2). */
export const PRICE_MAX = 9999999999.99;
/** The largest Postgres integer: anything above would be a 500 (out of range) instead of a 422. */
export const STOCK_MAX = 2147483647;

const trim = Trim();

/**
 * At most two decimals, judged on the number's shortest decimal form. Not IsNumber({ maxDecimalPlaces }):
 * class-validator 0.15 throws on numbers it prints in exponent form (1e-7), which would be a 500; here they are
 * simply refused. Non-numbers are left to IsNumber.
 */
const MaxTwoDecimals = (): PropertyDecorator =>
  ValidateBy({
    name: 'maxTwoDecimals',
    validator: {
      validate: (value: unknown) => typeof value !== 'number' || /^-?\d+(\.\d{1,2})?$/.test(String(value)),
      defaultMessage: () => 'price must have at most 2 decimal places',
    },
  });

/** 1–200 characters after trimming */
export const NameField = (): PropertyDecorator => applyDecorators(trim, IsString(), MinLength(1), MaxLength(200));

/** optional; null clears it */
export const ProductDescriptionField = (): PropertyDecorator =>
  applyDecorators(IsOptional(), IsString(), MaxLength(2000));

/** A JSON number (a string is refused), 0 to 9999999999.99, at most two decimals. */
export const PriceField = (): PropertyDecorator =>
  applyDecorators(IsNumber({ allowNaN: false, allowInfinity: false }), MaxTwoDecimals(), Min(0), Max(PRICE_MAX));

/** A whole number, 0 to 2147483647. */
export const StockField = (): PropertyDecorator => applyDecorators(IsInt(), Min(0), Max(STOCK_MAX));
