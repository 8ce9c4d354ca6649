import { NameField, PriceField, ProductDescriptionField, StockField } from './product-fields';

export class CreateProductDto {
  /** 1–200 characters; surrounding whitespace is trimmed
   * @example "Espresso cup" */
  @NameField()
  name: string;

  /** at most 2000 characters
   * @example "Porcelain, 80 ml" */
  @ProductDescriptionField()
  description?: string | null;

  /** a JSON number, 0 to 9999999999.99, at most two decimals
   * @example 19.99 */
  @PriceField()
  price: number;

  /** units in stock, a whole number ≥ 0
   * @example 12 */
  @StockField()
  stock: number;
}
