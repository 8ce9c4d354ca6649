import { Page, RequestAuthContext } from '@app/common';
import { Injectable, Logger } from '@nestjs/common';
import { CreateTodoDto } from './dto/create-todo.dto';
import { ListTodosQueryDto } from './dto/list-todos-query.dto';
import { UpdateTodoDto } from './dto/update-todo.dto';
import { TodoNotFoundError } from './todos.errors';
import { Todo, TodoChanges, TodosRepository } from './todos.repository';

/** A user's own todos. The owner is an argument of every call; someone else's todo is "not found". */
@Injectable()
export class TodosService {
  private readonly audit = new Logger('Audit');

  constructor(private readonly todos: TodosRepository) {}

  create(ownerId: string, dto: CreateTodoDto): Promise<Todo> {
    return this.todos.create({ userId: ownerId, title: dto.title, description: dto.description ?? null });
  }

  list(ownerId: string, query: ListTodosQueryDto): Promise<Page<Todo>> {
    return this.todos.listOwned(ownerId, {
      page: query.page,
      limit: query.limit,
      completed: query.completed,
      sort: query.sort,
    });
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
    return todo;
  }

  /** Admin moderation: anyone's todo. */
  async delete(actor: RequestAuthContext, id: string): Promise<void> {
    if (!(await this.todos.deleteAny(id))) throw new TodoNotFoundError('No todo with this id.');
    this.audit.log({ event: 'todo_deleted', todo_id: id, by: actor.userId }, 'todo deleted');
  }
}
