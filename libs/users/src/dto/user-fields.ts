import { Trim } from '@app/common';
import { applyDecorators } from '@nestjs/common';
import { IsEmail, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../password/password-policy';

const trim = Trim();

/** 3–50 characters of A–Z a–z 0–9 _ . - */
export const UsernameField = (): PropertyDecorator =>
  applyDecorators(
    trim,
    IsString(),
    Matches(/^[A-Za-z0-9_.-]{3,50}$/, { message: 'username must be 3-50 characters of letters, digits, _ . or -' }),
  );

export const EmailField = (): PropertyDecorator =>
  applyDecorators(trim, IsString(), MaxLength(254), IsEmail({}, { message: 'email must be an email address' }));

export const FullNameField = (): PropertyDecorator => applyDecorators(IsOptional(), trim, IsString(), MaxLength(100));

/** Length only here (in code units, generous); the full policy (code points, common, contains) runs in the service. */
export const PasswordField = (): PropertyDecorator =>
  applyDecorators(IsString(), MinLength(PASSWORD_MIN_LENGTH), MaxLength(PASSWORD_MAX_LENGTH * 2));
