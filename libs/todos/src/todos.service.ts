import { RequestAuthContext } from '@app/common';
import { Injectable, Logger } from '@nestjs/common';
import { CreateTodoDto } from './dto/create-todo.dto';
import { ListTodosQueryDto } from './dto/list-todos-query.dto';
import { TodoPageDto, toTodoResponse } from './dto/todo-response.dto';
import { UpdateTodoDto } from './dto/update-todo.dto';
import { TodoListCache } from './todo-list-cache';
import { TodoNotFoundError } from './todos.errors';
import { Todo, TodoChanges, TodoListQuery, TodosRepository } from './todos.repository';

/** A user's own todos. The owner is an argument of every call; someone else's todo is "not found". */
@Injectable()
export class TodosService {
  private readonly audit = new Logger('Audit');

  constructor(
    private readonly todos: TodosRepository,
    private readonly listCache: TodoListCache,
  ) {}

  async create(ownerId: string, dto: CreateTodoDto): Promise<Todo> {
    const todo = await this.todos.create({ userId: ownerId, title: dto.title, description: dto.description ?? null });
    await this.listCache.invalidate(ownerId);
    return todo;
  }

  /**
   * A page of the owner's todos as the JSON the API sends (a TodoPageDto): from the list cache when it holds
   * this page of the current list, otherwise from Postgres, then cached.
   */
  async listJson(ownerId: string, dto: ListTodosQueryDto): Promise<string> {
    const query: TodoListQuery = { page: dto.page, limit: dto.limit, completed: dto.completed, sort: dto.sort };
    const cached = await this.listCache.get(ownerId, query);
    if (cached?.kind === 'hit') return cached.json;
    const page = await this.todos.listOwned(ownerId, query);
    const json = JSON.stringify({ ...page, items: page.items.map(toTodoResponse) } satisfies TodoPageDto);
    if (cached) await this.listCache.put(ownerId, query, cached.generation, json);
    return json;
  }

  async getOwned(ownerId: string, id: string): Promise<Todo> {
    const todo = await this.todos.findOwned(ownerId, id);
    if (!todo) throw new TodoNotFoundError();
    return todo;
  }

  async updateOwned(ownerId: string, id: string, dto: UpdateTodoDto): Promise<Todo> {
    const changes: TodoChanges = {};
    if (dto.title !== undefined) changes.title = dto.title;
    if (dto.description !== undefined) changes.description = dto.description;
    if (dto.completed !== undefined) changes.completed = dto.completed;
    const todo = await this.todos.updateOwned(ownerId, id, changes);
    if (!todo) throw new TodoNotFoundError();
    await this.listCache.invalidate(ownerId);
    return todo;
  }

  /** Admin moderation: anyone's todo. */
  async delete(actor: RequestAuthContext, id: string): Promise<void> {
    const ownerId = await this.todos.deleteAny(id);
    if (!ownerId) throw new TodoNotFoundError('No todo with this id.');
    await this.listCache.invalidate(ownerId);
    this.audit.log({ event: 'todo_deleted', todo_id: id, by: actor.userId }, 'todo deleted');
  }
}
