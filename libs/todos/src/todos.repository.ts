import { Page, parseSort } from '@app/common';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { TodoEntity } from './entities/todo.entity';

export interface NewTodo {
  userId: string;
  title: string;
  description: string | null;
}

export type TodoChanges = Partial<Pick<TodoEntity, 'title' | 'description' | 'completed'>>;

export interface TodoListQuery {
  page: number;
  limit: number;
  completed?: boolean;
  sort: string;
}

const SORT_COLUMNS = { created_at: 't.created_at', updated_at: 't.updated_at', title: 'lower(t.title)' } as const;
export const TODO_SORT_FIELDS = Object.keys(SORT_COLUMNS) as (keyof typeof SORT_COLUMNS)[];

/**
 * Queries on `todos`. Every read and write of a user's todos takes the owner id and filters on it in SQL, so
 * another user's todo is simply not found; only the admin delete goes by id alone.
 */
@Injectable()
export class TodosRepository {
  constructor(@InjectRepository(TodoEntity) private readonly repo: Repository<TodoEntity>) {}

  create(todo: NewTodo): Promise<TodoEntity> {
    return this.repo.save(this.repo.create({ ...todo, completed: false }));
  }

  findOwned(ownerId: string, id: string): Promise<TodoEntity | null> {
    return this.repo.findOneBy({ id, userId: ownerId });
  }

  /** The updated todo, or null when the owner has no todo with this id (then nothing changed). */
  async updateOwned(ownerId: string, id: string, changes: TodoChanges): Promise<TodoEntity | null> {
    if (Object.keys(changes).length) {
      // TypeORM adds updated_at = CURRENT_TIMESTAMP to the SET list (UpdateDateColumn).
      const result = await this.repo.update({ id, userId: ownerId }, changes);
      if (!result.affected) return null;
    }
    return this.findOwned(ownerId, id);
  }

  async listOwned(ownerId: string, query: TodoListQuery): Promise<Page<TodoEntity>> {
    const qb = this.repo.createQueryBuilder('t').where('t.user_id = :ownerId', { ownerId });
    if (query.completed !== undefined) qb.andWhere('t.completed = :completed', { completed: query.completed });
    const [column, direction] = parseSort(query.sort, SORT_COLUMNS);
    qb.orderBy(column, direction)
      .addOrderBy('t.id', 'ASC')
      .offset((query.page - 1) * query.limit)
      .limit(query.limit);
    const [items, total] = await qb.getManyAndCount();
    return { items, total, page: query.page, limit: query.limit };
  }

  /** Anyone's todo (admin). true when a row was deleted. */
  async deleteAny(id: string): Promise<boolean> {
    const result = await this.repo.delete({ id });
    return (result.affected ?? 0) > 0;
  }
}
