import { ApiProperty } from '@nestjs/swagger';
import type { UserEntity, UserRole } from '../entities/user.entity';

/** What the API says about a user. Built field by field: nothing else of the row can leak. */
export class UserResponseDto {
  /** @example "7d9f2c1e-3b4a-4c5d-8e6f-0a1b2c3d4e5f" */
  id: string;
  /** @example "ada_lovelace" */
  username: string;
  /** @example "ada@example.com" */
  email: string;
  /** @example "Ada Lovelace" */
  full_name: string | null;
  @ApiProperty({ enum: ['user', 'admin'] })
  role: UserRole;
  is_active: boolean;
  created_at: Date;
  updated_at: Date;
}

export function toUserResponse(user: Omit<UserEntity, 'passwordHash'>): UserResponseDto {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    full_name: user.fullName,
    role: user.role,
    is_active: user.isActive,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  };
}

export class UserPageDto {
  items: UserResponseDto[];
  /** @example 42 */
  total: number;
  /** @example 1 */
  page: number;
  /** @example 20 */
  limit: number;
}
