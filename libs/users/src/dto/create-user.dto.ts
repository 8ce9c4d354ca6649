import { Omittable } from '@app/common';
import { IsBoolean, IsIn } from 'class-validator';
import { USER_ROLES, UserRole } from '../entities/user.entity';
import { EmailField, FullNameField, PasswordField, UsernameField } from './user-fields';

/** Registration: anyone. */
export class RegisterUserDto {
  /** 3–50 characters of letters, digits, _ . - ; unique case-insensitively
   * @example "ada_lovelace" */
  @UsernameField()
  username: string;

  /** unique; stored lower-case
   * @example "ada@example.com" */
  @EmailField()
  email: string;

  /** 8–128 characters, any Unicode; not a common password, not containing the username or email
   * @example "correct horse battery staple" */
  @PasswordField()
  password: string;

  /** @example "Ada Lovelace" */
  @FullNameField()
  full_name?: string | null;
}

/** Admin creation: may also set the role and whether the account is active. */
export class CreateUserDto extends RegisterUserDto {
  /** @example "user" */
  @Omittable()
  @IsIn(USER_ROLES)
  role?: UserRole;

  @Omittable()
  @IsBoolean()
  is_active?: boolean;
}
