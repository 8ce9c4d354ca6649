import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** OAuth2 token request (RFC 6749 §4.3 and §6), form-encoded. Validated by hand: errors follow RFC 6749. */
export class TokenRequestDto {
  @ApiProperty({ enum: ['password', 'refresh_token'] })
  grant_type: string;
  @ApiPropertyOptional({ description: 'username or email (grant_type=password)' })
  username?: string;
  @ApiPropertyOptional({ description: 'grant_type=password' })
  password?: string;
  @ApiPropertyOptional({ description: 'grant_type=refresh_token' })
  refresh_token?: string;
}

export class TokenResponseDto {
  access_token: string;
  /** @example "bearer" */
  token_type: 'bearer';
  /** access token lifetime in seconds
   * @example 900 */
  expires_in: number;
  /** single use: every refresh returns a new one */
  refresh_token: string;
}

/** RFC 6749 §5.2 error response of the token endpoint. */
export class OAuthErrorDto {
  @ApiProperty({ enum: ['invalid_request', 'invalid_grant', 'unsupported_grant_type'] })
  error: string;
  /** @example "invalid username or password" */
  error_description: string;
}
