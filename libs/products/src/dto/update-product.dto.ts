import { Omittable } from '@app/common';
import { NameField, PriceField, ProductDescriptionField, StockField } from './product-fields';

/** Only the fields sent change. name, price and stock may be left out but not set to null. */
export class UpdateProductDto {
  /** 1–200 characters; surrounding whitespace is trimmed
   * @example "Espresso cup, large" */
  @Omittable()
  @NameField()
  name?: string;

  /** at most 2000 characters; null clears it
   * @example "Porcelain, 120 ml" */
  @ProductDescriptionField()
  description?: string | null;

  /** a JSON number, 0 to 9999999999.99, at most two decimals
   * @example 24.5 */
  @Omittable()
  @PriceField()
  price?: number;

  /** units in stock, a whole number ≥ 0
   * @example 3 */
  @Omittable()
  @StockField()
  stock?: number;
}
