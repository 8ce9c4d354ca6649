import { IsUUID } from 'class-validator';

/** `:id` path parameters: a malformed id is 422 (never a 500 from Postgres). */
export class IdParamDto {
  /** resource id (UUID) */
  @IsUUID('all', { message: 'id must be a UUID' })
  id: string;
}
