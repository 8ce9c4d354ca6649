import { ApiProperty } from '@nestjs/swagger';
import type { Todo } from '../todos.repository';

/**
 * What the API says about a todo. Built field by field: nothing else of the row can leak.
 * `@ApiProperty()` is on every field so that the documented order stays the declaration order (the plugin lists
 * decorated fields first).
 */
export class TodoResponseDto {
  /** @example "3f6c1a2b-9d8e-4f70-a1b2-c3d4e5f60718" */
  @ApiProperty()
  id: string;
  /** the owner
   * @example "7d9f2c1e-3b4a-4c5d-8e6f-0a1b2c3d4e5f" */
  @ApiProperty()
  user_id: string;
  /** @example "Buy milk" */
  @ApiProperty()
  title: string;
  /** @example "Two litres, semi-skimmed" */
  @ApiProperty()
  description: string | null;
  /** @example false */
  @ApiProperty()
  completed: boolean;
  // Already the ISO 8601 text a Date serialises to (the repository formats it): documented as a date-time.
  @ApiProperty({ type: Date })
  created_at: string;
  @ApiProperty({ type: Date })
  updated_at: string;
}

export function toTodoResponse(todo: Todo): TodoResponseDto {
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
