import { UserResponseDto } from '@app/users';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class LoginDto {
  /** username or email
   * @example "ada_lovelace" */
  @IsString()
  @MinLength(1)
  @MaxLength(254)
  login: string;

  /** @example "correct horse battery staple" */
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password: string;
}

export class SessionSummaryDto {
  /** the session id (the `sid` claim of its access tokens) */
  id: string;
  /** when the session ends if left idle */
  expires_at: Date;
}

export class LoginResponseDto {
  user: UserResponseDto;
  session: SessionSummaryDto;
}

export class RefreshResponseDto {
  session: SessionSummaryDto;
}

export class CurrentSessionDto {
  user_id: string;
  session_id: string;
  /** @example "user" */
  role: string;
  /** when the session ends if left idle */
  expires_at: Date;
}

export class ChangePasswordDto {
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  current_password: string;

  /** 8–128 characters, any Unicode; not common, not containing the username or email */
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  new_password: string;
}
