import type { ProductEntity } from '../entities/product.entity';

/** What the API says about a product. Built field by field: nothing else of the row can leak. */
export class ProductResponseDto {
  /** @example "5b2e8c4d-1f3a-4e6b-9c7d-8a0b1c2d3e4f" */
  id: string;
  /** @example "Espresso cup" */
  name: string;
  /** @example "Porcelain, 80 ml" */
  description: string | null;
  /** a JSON number with at most two decimals (numeric(12,2) in the database)
   * @example 19.99 */
  price: number;
  /** @example 12 */
  stock: number;
  created_at: Date;
  updated_at: Date;
}

export function toProductResponse(product: ProductEntity): ProductResponseDto {
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
