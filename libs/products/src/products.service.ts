import { Page, RequestAuthContext } from '@app/common';
import { Injectable, Logger } from '@nestjs/common';
import { CreateProductDto } from './dto/create-product.dto';
import { ListProductsQueryDto } from './dto/list-products-query.dto';
import { UpdateProductDto } from './dto/update-product.dto';
import { ProductNotFoundError } from './products.errors';
import { Product, ProductChanges, ProductsRepository } from './products.repository';

/** The catalogue: anyone reads it, admins change it. */
@Injectable()
export class ProductsService {
  private readonly audit = new Logger('Audit');

  constructor(private readonly products: ProductsRepository) {}

  list(query: ListProductsQueryDto): Promise<Page<Product>> {
    return this.products.list({ page: query.page, limit: query.limit, q: query.q, sort: query.sort });
  }

  async get(id: string): Promise<Product> {
    const product = await this.products.findById(id);
    if (!product) throw new ProductNotFoundError();
    return product;
  }

  create(dto: CreateProductDto): Promise<Product> {
    return this.products.create({
      name: dto.name,
      description: dto.description ?? null,
      price: dto.price,
      stock: dto.stock,
    });
  }

  async update(id: string, dto: UpdateProductDto): Promise<Product> {
    const changes: ProductChanges = {};
    if (dto.name !== undefined) changes.name = dto.name;
    if (dto.description !== undefined) changes.description = dto.description;
    if (dto.price !== undefined) changes.price = dto.price;
    if (dto.stock !== undefined) changes.stock = dto.stock;
    const product = await this.products.update(id, changes);
    if (!product) throw new ProductNotFoundError();
    return product;
  }

  async delete(actor: RequestAuthContext, id: string): Promise<void> {
    if (!(await this.products.delete(id))) throw new ProductNotFoundError();
    this.audit.log({ event: 'product_deleted', product_id: id, by: actor.userId }, 'product deleted');
  }
}
