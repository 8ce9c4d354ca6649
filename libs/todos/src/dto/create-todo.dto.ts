import { TitleField, TodoDescriptionField } from './todo-fields';

export class CreateTodoDto {
  /** 1–255 characters; surrounding whitespace is trimmed
   * @example "Buy milk" */
  @TitleField()
  title: string;

  /** at most 1000 characters
   * @example "Two litres, semi-skimmed" */
  @TodoDescriptionField()
  description?: string | null;
}
