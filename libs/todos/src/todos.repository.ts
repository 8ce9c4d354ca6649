import { Page, parseSort } from '@app/common';
import { isoTimestampSql, PreparedSql } from '@app/database';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { TodoEntity } from './entities/todo.entity';

/** A todo as this repository returns it. Timestamps are already the ISO 8601 strings the API sends. */
export interface Todo {
  id: string;
  userId: string;
  title: string;
  description: string | null;
  completed: boolean;
  createdAt: string;
  updatedAt: string;
}

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

const TODO_COLUMNS = `t.id, t.user_id, t.title, t.description, t.completed,
  ${isoTimestampSql('t.created_at')} AS created_at, ${isoTimestampSql('t.updated_at')} AS updated_at`;

interface TodoRow {
  id: string;
  user_id: string;
  title: string;
  description: string | null;
  completed: boolean;
  created_at: string;
  updated_at: string;
}

const toTodo = (row: TodoRow): Todo => ({
  id: row.id,
  userId: row.user_id,
  title: row.title,
  description: row.description,
  completed: row.completed,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/**
 * Queries on `todos`. Every read and write of a user's todos takes the owner id and filters on it in SQL, so
 * another user's todo is simply not found; only the admin delete goes by id alone.
 *
 * Reads and the insert are plain parameterised SQL: these are the hot routes, and TypeORM's query building and
 * entity hydration were a sixth of their CPU time. They run as prepared statements (PreparedSql); on PGlite
 * through the DataSource.
 */
@Injectable()
export class TodosRepository {
  constructor(
    @InjectRepository(TodoEntity) private readonly repo: Repository<TodoEntity>,
    private readonly sql: PreparedSql,
  ) {}

  /** One statement, atomic on its own: save() wrapped the INSERT in BEGIN/COMMIT, three round trips. */
  async create(todo: NewTodo): Promise<Todo> {
    const [row] = await this.sql.query<TodoRow>(
      `INSERT INTO todos AS t (user_id, title, description, completed) VALUES ($1, $2, $3, false)
       RETURNING ${TODO_COLUMNS}`,
      [todo.userId, todo.title, todo.description],
    );
    return toTodo(row);
  }

  async findOwned(ownerId: string, id: string): Promise<Todo | null> {
    const [row] = await this.sql.query<TodoRow>(
      `SELECT ${TODO_COLUMNS} FROM todos t WHERE t.id = $1 AND t.user_id = $2`,
      [id, ownerId],
    );
    return row ? toTodo(row) : null;
  }

  /** The updated todo, or null when the owner has no todo with this id (then nothing changed). */
  async updateOwned(ownerId: string, id: string, changes: TodoChanges): Promise<Todo | null> {
    if (Object.keys(changes).length) {
      // TypeORM adds updated_at = CURRENT_TIMESTAMP to the SET list (UpdateDateColumn).
      const result = await this.repo.update({ id, userId: ownerId }, changes);
      if (!result.affected) return null;
    }
    return this.findOwned(ownerId, id);
  }

  /** One round trip (PreparedSql.queryPage). */
  async listOwned(ownerId: string, query: TodoListQuery): Promise<Page<Todo>> {
    const params: unknown[] = [ownerId];
    let where = 't.user_id = $1';
    if (query.completed !== undefined) {
      params.push(query.completed);
      where += ` AND t.completed = $${params.length}`;
    }
    // A column expression from SORT_COLUMNS (the DTO allows only its keys): never the caller's text.
    const [column, direction] = parseSort(query.sort, SORT_COLUMNS);
    const { rows, total } = await this.sql.queryPage<TodoRow>({
      columns: TODO_COLUMNS,
      from: 'todos t',
      where,
      orderBy: `${column} ${direction}, t.id ASC`,
      params,
      page: query.page,
      limit: query.limit,
    });
    return { items: rows.map(toTodo), total, page: query.page, limit: query.limit };
  }

  /** Anyone's todo (admin). The owner's id when a row was deleted, undefined when there was none. */
  async deleteAny(id: string): Promise<string | undefined> {
    const [row] = await this.sql.query<{ user_id: string }>('DELETE FROM todos WHERE id = $1 RETURNING user_id', [id]);
    return row?.user_id;
  }
}
