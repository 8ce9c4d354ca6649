import { Page, parseSort } from '@app/common';
import { isoTimestampSql, PreparedSql } from '@app/database';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ProductEntity } from './entities/product.entity';

/** A product as this repository returns it. Timestamps are already the ISO 8601 strings the API sends. */
export interface Product {
  id: string;
  name: string;
  description: string | null;
  price: number;
  stock: number;
  createdAt: string;
  updatedAt: string;
}

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

const PRODUCT_COLUMNS = `p.id, p.name, p.description, p.price, p.stock,
  ${isoTimestampSql('p.created_at')} AS created_at, ${isoTimestampSql('p.updated_at')} AS updated_at`;

interface ProductRow {
  id: string;
  name: string;
  description: string | null;
  /** pg returns numeric as a string */
  price: string;
  stock: number;
  created_at: string;
  updated_at: string;
}

/**
 * A numeric(12,2) has at most 12 significant digits, so it survives the trip through a double exactly
 * (Number('19.99') prints back as 19.99), and the API can speak JSON numbers.
 */
const toProduct = (row: ProductRow): Product => ({
  id: row.id,
  name: row.name,
  description: row.description,
  price: Number(row.price),
  stock: row.stock,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/**
 * Queries on `products`. Reads and the insert are plain parameterised SQL: the list is a hot public route, and
 * TypeORM's query building and entity hydration were a sixth of its CPU time. They run as prepared statements
 * (PreparedSql); on PGlite through the DataSource.
 */
@Injectable()
export class ProductsRepository {
  constructor(
    @InjectRepository(ProductEntity) private readonly repo: Repository<ProductEntity>,
    private readonly sql: PreparedSql,
  ) {}

  async findById(id: string): Promise<Product | null> {
    const [row] = await this.sql.query<ProductRow>(`SELECT ${PRODUCT_COLUMNS} FROM products p WHERE p.id = $1`, [id]);
    return row ? toProduct(row) : null;
  }

  /** One statement, atomic on its own: save() wrapped the INSERT in BEGIN/COMMIT, three round trips. */
  async create(product: NewProduct): Promise<Product> {
    const [row] = await this.sql.query<ProductRow>(
      `INSERT INTO products AS p (name, description, price, stock) VALUES ($1, $2, $3, $4)
       RETURNING ${PRODUCT_COLUMNS}`,
      [product.name, product.description, product.price, product.stock],
    );
    return toProduct(row);
  }

  /** The updated product, or null when there is no product with this id. */
  async update(id: string, changes: ProductChanges): Promise<Product | null> {
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

  /** One round trip (PreparedSql.queryPage). */
  async list(query: ProductListQuery): Promise<Page<Product>> {
    const params: unknown[] = [];
    let where = 'true';
    if (query.q) {
      // ILIKE with the wildcards of the user's text escaped: a search, not a pattern language.
      params.push(`%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where = `p.name ILIKE $${params.length}`;
    }
    // A column expression from SORT_COLUMNS (the DTO allows only its keys): never the caller's text.
    const [column, direction] = parseSort(query.sort, SORT_COLUMNS);
    const { rows, total } = await this.sql.queryPage<ProductRow>({
      columns: PRODUCT_COLUMNS,
      from: 'products p',
      where,
      orderBy: `${column} ${direction}, p.id ASC`,
      params,
      page: query.page,
      limit: query.limit,
    });
    return { items: rows.map(toProduct), total, page: query.page, limit: query.limit };
  }
}
