import type { FieldError } from '@app/common';
import COMMON_PASSWORDS from './common-passwords.json';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

let commonPasswords: Set<string> | undefined;

/** Built on first use (see common-passwords.md for the source). */
function isCommonPassword(password: string): boolean {
  commonPasswords ??= new Set(COMMON_PASSWORDS.map((p) => p.toLowerCase()));
  return commonPasswords.has(password.toLowerCase());
}

/**
 * Passwords are normalised to NFKC (NIST SP 800-63B) before they are checked or hashed, so that the same
 * characters typed on different keyboards give the same password.
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/**
 * OWASP/NIST policy: 8–128 characters (code points), any Unicode, no composition rules; refused when it
 * contains the username, the email or the email's local part, or is a common password.
 * Returns one error per failed rule for `field`, empty when acceptable.
 */
export function checkPassword(
  rawPassword: string,
  context: { username?: string; email?: string },
  field = 'password',
): FieldError[] {
  const password = normalizePassword(rawPassword);
  const length = [...password].length;
  const lower = password.toLowerCase();
  if (length < PASSWORD_MIN_LENGTH)
    return [{ field, message: `${field} must be at least ${PASSWORD_MIN_LENGTH} characters` }];
  if (length > PASSWORD_MAX_LENGTH)
    return [{ field, message: `${field} must be at most ${PASSWORD_MAX_LENGTH} characters` }];

  const errors: FieldError[] = [];
  const username = context.username?.toLowerCase();
  const email = context.email?.toLowerCase();
  const localPart = email?.split('@')[0];
  if (username && lower.includes(username)) errors.push({ field, message: `${field} must not contain the username` });
  if (email && (lower.includes(email) || (localPart && localPart.length >= 3 && lower.includes(localPart)))) {
    errors.push({ field, message: `${field} must not contain the email address` });
  }
  if (isCommonPassword(password))
    errors.push({ field, message: `${field} is too common; choose a less predictable one` });
  return errors;
}
