import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';

export class FieldErrorDto {
  /** @example "email" */
  @ApiProperty({ example: 'email' })
  field: string;
  @ApiProperty({ example: 'email must be an email address' })
  message: string;
}

/** RFC 9457 problem details: the body of every error response (but the OAuth2 token endpoint's). */
export class ProblemDetailsDto {
  @ApiProperty({ example: '/problems/validation-failed', description: 'relative URI naming the problem type' })
  type: string;
  @ApiProperty({ example: 'Validation failed' })
  title: string;
  @ApiProperty({ example: 422 })
  status: number;
  @ApiPropertyOptional({ example: 'One or more fields are invalid.' })
  detail?: string;
  @ApiPropertyOptional({ example: '/api/v1/auth/register' })
  instance?: string;
  @ApiProperty({ example: '5b0c1d8e-3f7a-4b8e-9c1d-2e3f4a5b6c7d' })
  request_id: string;
  @ApiProperty({
    example: 'validation_failed',
    description:
      'stable machine-readable name: validation_failed, unauthenticated, invalid_token, token_expired, ' +
      'session_revoked, csrf_failed, forbidden, not_found, user_not_found, session_not_found, username_taken, ' +
      'email_taken, invalid_credentials, rate_limited, payload_too_large, ...',
  })
  code: string;
  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'one entry per invalid field (422)' })
  errors?: FieldErrorDto[];
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed request (e.g. invalid JSON)',
  401: 'Not authenticated: `code` is unauthenticated, invalid_token, token_expired (refresh) or session_revoked (log in again)',
  403: 'Forbidden (`forbidden`), or a failed CSRF check on a cookie-authenticated request (`csrf_failed`)',
  404: 'Not found',
  409: 'Conflict (e.g. username_taken, email_taken)',
  413: 'Request body too large',
  422: 'Validation failed: one entry per field in `errors`',
  429: 'Too many requests (`rate_limited`); see Retry-After',
  503: 'A dependency is unavailable',
};

/** Documents the problem+json error responses an operation can return. */
export function ApiProblems(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDetailsDto),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? 'Error',
        content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDetailsDto) } } },
      }),
    ),
  );
}
