import { PageQueryDto, sortValues, toBooleanParam } from '@app/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { TODO_SORT_FIELDS } from '../todos.repository';

const TODO_SORTS = sortValues(TODO_SORT_FIELDS);

export class ListTodosQueryDto extends PageQueryDto {
  /** true or false: only completed, or only open todos */
  @IsOptional()
  @Transform(toBooleanParam)
  @IsBoolean()
  completed?: boolean;

  // Documented by hand: the plugin would mark it required (it has an initializer, not a `?`).
  @ApiPropertyOptional({
    description: 'a field, or -field for descending: created_at, updated_at, title (case-insensitive)',
    enum: TODO_SORTS,
    default: '-created_at',
  })
  @IsOptional()
  @IsIn(TODO_SORTS, { message: `sort must be one of ${TODO_SORTS.join(', ')}` })
  sort: string = '-created_at';
}
