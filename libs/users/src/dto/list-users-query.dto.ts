import { PageQueryDto, sortValues, toBooleanParam } from '@app/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { USER_ROLES, UserRole } from '../entities/user.entity';
import { USER_SORT_FIELDS } from '../users.repository';

const USER_SORTS = sortValues(USER_SORT_FIELDS);

export class ListUsersQueryDto extends PageQueryDto {
  /** case-insensitive substring of username, email or full name */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @IsOptional()
  @IsIn(USER_ROLES)
  role?: UserRole;

  /** true or false */
  @IsOptional()
  @Transform(toBooleanParam)
  @IsBoolean()
  is_active?: boolean;

  /** a field, or -field for descending: created_at, username, email
   * @example "-created_at" */
  @ApiPropertyOptional({ enum: USER_SORTS, default: '-created_at' })
  @IsOptional()
  @IsIn(USER_SORTS, { message: `sort must be one of ${USER_SORTS.join(', ')}` })
  sort: string = '-created_at';
}
