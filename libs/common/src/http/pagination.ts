import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** `page` ≥ 1 and `limit` 1–100; anything else is 422, never silently clamped. */
export class PageQueryDto {
  /** 1-based page number */
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000) // (page - 1) * limit must stay a sane OFFSET
  page: number = 1;

  /** items per page */
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  limit: number;
}

/** Parses `field` / `-field` into a column and direction (the DTO has already checked the allow-list). */
export function parseSort<F extends string>(sort: string, columns: Record<F, string>): [string, 'ASC' | 'DESC'] {
  const descending = sort.startsWith('-');
  const field = (descending ? sort.slice(1) : sort) as F;
  return [columns[field], descending ? 'DESC' : 'ASC'];
}

/** The allowed values of a `sort` parameter: each field ascending and descending. */
export function sortValues(fields: readonly string[]): string[] {
  return fields.flatMap((f) => [f, `-${f}`]);
}

/** Query booleans arrive as strings: only "true"/"false" are accepted (others fail @IsBoolean → 422). */
export function toBooleanParam({ value }: { value: unknown }): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
}
