import { PageQueryDto, sortValues } from '@app/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PRODUCT_SORT_FIELDS } from '../products.repository';

const PRODUCT_SORTS = sortValues(PRODUCT_SORT_FIELDS);

export class ListProductsQueryDto extends PageQueryDto {
  /** case-insensitive substring of the name
   * @example "cup" */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  // Documented by hand: the plugin would mark it required (it has an initializer, not a `?`).
  @ApiPropertyOptional({
    description: 'a field, or -field for descending: name (case-insensitive), price, created_at',
    enum: PRODUCT_SORTS,
    default: 'name',
  })
  @IsOptional()
  @IsIn(PRODUCT_SORTS, { message: `sort must be one of ${PRODUCT_SORTS.join(', ')}` })
  sort: string = 'name';
}
