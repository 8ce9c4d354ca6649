import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn, ValueTransformer } from 'typeorm';

/**
 * pg returns numeric as a string. A numeric(12,2) value has at most 12 significant digits, so it survives the
 * trip through a double exactly (Number('19.99') prints back as 19.99), and the API can speak JSON numbers.
 */
const numericAsNumber: ValueTransformer = {
  to: (value: number | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/**
 * A row of `products`: the table's description for TypeORM (updates, deletes, the migration drift check). Reads
 * return a plain Product (see ProductsRepository), and responses go through toProductResponse().
 */
@Entity({ name: 'products' })
export class ProductEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  description: string | null;

  /** ≥ 0 (CHECK in the migration) */
  @Column({ type: 'numeric', precision: 12, scale: 2, transformer: numericAsNumber })
  price: number;

  /** ≥ 0 (CHECK in the migration) */
  @Column({ type: 'integer' })
  stock: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
