import { AppError } from '@app/common';

export class ProductNotFoundError extends AppError {
  readonly status = 404;
  readonly code = 'product_not_found';
  readonly title = 'Product not found';
  constructor() {
    super('No product with this id.');
  }
}
