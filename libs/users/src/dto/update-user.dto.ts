import { Omittable } from '@app/common';
import { IsBoolean, IsIn } from 'class-validator';
import { USER_ROLES, UserRole } from '../entities/user.entity';
import { EmailField, FullNameField, UsernameField } from './user-fields';

/** What a user may change about themself. role and is_active are refused (422), not ignored. */
export class UpdateProfileDto {
  /** @example "ada_l" */
  @Omittable()
  @UsernameField()
  username?: string;

  /** @example "ada@newmail.example" */
  @Omittable()
  @EmailField()
  email?: string;

  /** @example "Augusta Ada King" */
  @FullNameField()
  full_name?: string | null;
}

/** What an admin may change about anyone. */
export class AdminUpdateUserDto extends UpdateProfileDto {
  @Omittable()
  @IsIn(USER_ROLES)
  role?: UserRole;

  @Omittable()
  @IsBoolean()
  is_active?: boolean;
}
