import { ApiProperty } from '@nestjs/swagger';
import type { Product } from '../products.repository';

/**
 * What the API says about a product. Built field by field: nothing else of the row can leak.
 * `@ApiProperty()` is on every field so that the documented order stays the declaration order (the plugin lists
 * decorated fields first).
 */
export class ProductResponseDto {
  /** @example "5b2e8c4d-1f3a-4e6b-9c7d-8a0b1c2d3e4f" */
  @ApiProperty()
  id: string;
  /** @example "Espresso cup" */
  @ApiProperty()
  name: string;
  /** @example "Porcelain, 80 ml" */
  @ApiProperty()
  description: string | null;
  /** a JSON number with at most two decimals (numeric(12,2) in the database)
   * @example 19.99 */
  @ApiProperty()
  price: number;
  /** @example 12 */
  @ApiProperty()
  stock: number;
  // Already the ISO 8601 text a Date serialises to (the repository formats it): documented as a date-time.
  @ApiProperty({ type: Date })
  created_at: string;
  @ApiProperty({ type: Date })
  updated_at: string;
}

export function toProductResponse(product: Product): ProductResponseDto {
  return {
    id: product.id,
    name: product.name,
    description: product.description,
    price: product.price,
    stock: product.stock,
    created_at: product.createdAt,
    updated_at: product.updatedAt,
  };
}

export class ProductPageDto {
  items: ProductResponseDto[];
  /** @example 42 */
  total: number;
  /** @example 1 */
  page: number;
  /** @example 20 */
  limit: number;
}
