import { AppError } from '@app/common';

/** Unknown id, or another user's todo: the two are one answer, so ids of others' todos tell nothing. */
export class TodoNotFoundError extends AppError {
  readonly status = 404;
  readonly code = 'todo_not_found';
  readonly title = 'Todo not found';
  constructor(detail = 'No todo of yours with this id.') {
    super(detail);
  }
}
