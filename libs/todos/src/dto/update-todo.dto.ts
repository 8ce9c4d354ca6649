import { Omittable } from '@app/common';
import { IsBoolean } from 'class-validator';
import { TitleField, TodoDescriptionField } from './todo-fields';

/** Only the fields sent change. title and completed may be left out but not set to null. */
export class UpdateTodoDto {
  /** 1–255 characters; surrounding whitespace is trimmed
   * @example "Buy oat milk" */
  @Omittable()
  @TitleField()
  title?: string;

  /** at most 1000 characters; null clears it
   * @example null */
  @TodoDescriptionField()
  description?: string | null;

  /** @example true */
  @Omittable()
  @IsBoolean()
  completed?: boolean;
}
