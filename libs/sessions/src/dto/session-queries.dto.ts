import { PageQueryDto, toBooleanParam } from '@app/common';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsUUID } from 'class-validator';

export class AbortSessionsQueryDto {
  /** `others`: every session but this one; `all`: this one too */
  @IsIn(['others', 'all'])
  scope: 'others' | 'all';
}

export class AdminSessionsQueryDto extends PageQueryDto {
  /** only this user's sessions */
  @IsOptional()
  @IsUUID('all', { message: 'user_id must be a UUID' })
  user_id?: string;

  /** true: live sessions only; false: ended ones (revoked or expired) only */
  @IsOptional()
  @Transform(toBooleanParam)
  @IsBoolean()
  active?: boolean;
}
