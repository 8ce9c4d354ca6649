import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { USER_ROLES, UserRole } from '../entities/user.entity';
import { EmailField, FullNameField, UsernameField } from './user-fields';

/** What a user may change about themself. role and is_active are refused (422), not ignored. */
export class UpdateProfileDto {
  /** @example "ada_l" */
  @IsOptional()
  @UsernameField()
  username?: string;

  /** @example "ada@newmail.example" */
  @IsOptional()
  @EmailField()
  email?: string;

  /** @example "Augusta Ada King" */
  @FullNameField()
  full_name?: string | null;
}

/** What an admin may change about anyone. */
export class AdminUpdateUserDto extends UpdateProfileDto {
  @IsOptional()
  @IsIn(USER_ROLES)
  role?: UserRole;

  @IsOptional()
  @IsBoolean()
  is_active?: boolean;
}
