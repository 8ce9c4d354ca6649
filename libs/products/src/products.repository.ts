import { Page, parseSort } from '@app/common';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ProductEntity } from './entities/product.entity';

export type NewProduct = Pick<ProductEntity, 'name' | 'description' | 'price' | 'stock'>;

export type ProductChanges = Partial<NewProduct>;

export interface ProductListQuery {
  page: number;
  limit: number;
  q?: string;
  sort: string;
}

const SORT_COLUMNS = { name: 'lower(p.name)', price: 'p.price', created_at: 'p.created_at' } as const;
export const PRODUCT_SORT_FIELDS = Object.keys(SORT_COLUMNS) as (keyof typeof SORT_COLUMNS)[];

/** Queries on `products`. */
@Injectable()
export class ProductsRepository {
  constructor(@InjectRepository(ProductEntity) private readonly repo: Repository<ProductEntity>) {}

  findById(id: string): Promise<ProductEntity | null> {
    return this.repo.findOneBy({ id });
  }

  create(product: NewProduct): Promise<ProductEntity> {
    return this.repo.save(this.repo.create(product));
  }

  /** The updated product, or null when there is no product with this id. */
  async update(id: string, changes: ProductChanges): Promise<ProductEntity | null> {
    if (Object.keys(changes).length) {
      // TypeORM adds updated_at = CURRENT_TIMESTAMP to the SET list (UpdateDateColumn).
      const result = await this.repo.update({ id }, changes);
      if (!result.affected) return null;
    }
    return this.findById(id);
  }

  /** true when a row was deleted */
  async delete(id: string): Promise<boolean> {
    const result = await this.repo.delete({ id });
    return (result.affected ?? 0) > 0;
  }

  async list(query: ProductListQuery): Promise<Page<ProductEntity>> {
    const qb = this.repo.createQueryBuilder('p');
    if (query.q) {
      // ILIKE with the wildcards of the user's text escaped: a search, not a pattern language.
      const pattern = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.andWhere('p.name ILIKE :pattern', { pattern });
    }
    const [column, direction] = parseSort(query.sort, SORT_COLUMNS);
    qb.orderBy(column, direction)
      .addOrderBy('p.id', 'ASC')
      .offset((query.page - 1) * query.limit)
      .limit(query.limit);
    const [items, total] = await qb.getManyAndCount();
    return { items, total, page: query.page, limit: query.limit };
  }
}
