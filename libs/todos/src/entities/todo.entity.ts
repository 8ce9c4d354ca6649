import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * A row of `todos`. The owner is held by id only (the foreign key with ON DELETE CASCADE is in the migration):
 * Todos never imports the Users module. The table's description for TypeORM (updates, deletes, the migration
 * drift check); reads return a plain Todo (see TodosRepository), and responses go through toTodoResponse().
 */
@Entity({ name: 'todos' })
export class TodoEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** the owner; every query of a user's todos filters on it */
  @Column({ type: 'uuid' })
  userId: string;

  @Column({ type: 'varchar', length: 255 })
  title: string;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  description: string | null;

  @Column({ type: 'boolean', default: false })
  completed: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
