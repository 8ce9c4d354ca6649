import type { TodoEntity } from '../entities/todo.entity';

/** What the API says about a todo. Built field by field: nothing else of the row can leak. */
export class TodoResponseDto {
  /** @example "3f6c1a2b-9d8e-4f70-a1b2-c3d4e5f60718" */
  id: string;
  /** the owner
   * @example "7d9f2c1e-3b4a-4c5d-8e6f-0a1b2c3d4e5f" */
  user_id: string;
  /** @example "Buy milk" */
  title: string;
  /** @example "Two litres, semi-skimmed" */
  description: string | null;
  /** @example false */
  completed: boolean;
  created_at: Date;
  updated_at: Date;
}

export function toTodoResponse(todo: TodoEntity): TodoResponseDto {
  return {
    id: todo.id,
    user_id: todo.userId,
    title: todo.title,
    description: todo.description,
    completed: todo.completed,
    created_at: todo.createdAt,
    updated_at: todo.updatedAt,
  };
}

export class TodoPageDto {
  items: TodoResponseDto[];
  /** @example 42 */
  total: number;
  /** @example 1 */
  page: number;
  /** @example 20 */
  limit: number;
}
