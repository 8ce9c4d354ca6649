import { ApiProblems, CurrentUser, Public, RequestAuthContext } from '@app/common';
import { RegisterUserDto, toUserResponse, UserResponseDto } from '@app/users';
import { Body, Controller, Get, Header, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCookieAuth,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthService, AuthTokens, sessionSummary } from './auth.service';
import { AuthCookies } from './auth-cookies';
import { ChangePasswordDto, CurrentSessionDto, LoginDto, LoginResponseDto, RefreshResponseDto } from './dto/login.dto';
import { OAuthErrorDto, TokenRequestDto, TokenResponseDto } from './dto/token.dto';

const clientOf = (request: FastifyRequest) => ({ ip: request.ip, userAgent: request.headers['user-agent'] });

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly cookies: AuthCookies,
  ) {}

  @ApiOperation({ summary: 'Create an account' })
  @ApiProblems(409, 422, 429)
  @Public()
  @Post('register')
  async register(@Body() dto: RegisterUserDto, @Req() request: FastifyRequest): Promise<UserResponseDto> {
    return toUserResponse(await this.auth.register(dto, clientOf(request)));
  }

  @ApiOperation({ summary: 'Log in (browsers): sets the access, refresh and CSRF cookies' })
  @ApiProblems(401, 422, 429)
  @Public()
  @Post('login')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  async login(
    @Body() dto: LoginDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LoginResponseDto> {
    const tokens = await this.auth.login(dto.login, dto.password, clientOf(request));
    this.setCookies(reply, tokens);
    return { user: toUserResponse(tokens.user), session: sessionSummary(tokens.session) };
  }

  @ApiOperation({
    summary: 'OAuth2 token endpoint (API clients): password and refresh_token grants; errors per RFC 6749',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ type: TokenRequestDto })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiBadRequestResponse({
    type: OAuthErrorDto,
    description: 'RFC 6749 error: invalid_request, invalid_grant, unsupported_grant_type',
  })
  @ApiProblems(429)
  @Public()
  @Post('token')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @Header('pragma', 'no-cache')
  token(@Body() form: Record<string, unknown>, @Req() request: FastifyRequest): Promise<TokenResponseDto> {
    return this.auth.token(form, clientOf(request));
  }

  @ApiOperation({ summary: 'Rotate the refresh cookie and get a new access cookie (needs X-CSRF-Token)' })
  @ApiProblems(401, 403, 429)
  @ApiCookieAuth('cookie')
  @Public()
  @Post('refresh')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  async refresh(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RefreshResponseDto> {
    const tokens = await this.auth.refreshFromCookies(request);
    this.setCookies(reply, tokens);
    return { session: sessionSummary(tokens.session) };
  }

  @ApiOperation({
    summary: 'End the current session (named by a bearer token or the cookies) and clear the cookies (idempotent)',
  })
  @ApiProblems(403)
  @Public()
  @Post('logout')
  @HttpCode(204)
  async logout(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await this.auth.logout(request);
    this.cookies.clear(reply);
  }

  @ApiOperation({ summary: 'Change my password; ends all my other sessions' })
  @ApiProblems(401, 403, 422)
  @ApiBearerAuth('bearer')
  @ApiCookieAuth('cookie')
  @ApiSecurity('oauth2')
  @Post('password')
  @HttpCode(204)
  async changePassword(@CurrentUser() me: RequestAuthContext, @Body() dto: ChangePasswordDto): Promise<void> {
    await this.auth.changePassword(me, dto.current_password, dto.new_password);
  }

  @ApiOperation({ summary: 'The current session (checks the token and the session, touches no table)' })
  @ApiProblems(401)
  @ApiBearerAuth('bearer')
  @ApiSecurity('oauth2')
  @ApiCookieAuth('cookie')
  @Get('session')
  currentSession(@CurrentUser() me: RequestAuthContext): CurrentSessionDto {
    return { user_id: me.userId, session_id: me.sessionId, role: me.role, expires_at: new Date(me.expiresAt) };
  }

  private setCookies(reply: FastifyReply, tokens: AuthTokens): void {
    this.cookies.set(reply, {
      accessToken: tokens.accessToken,
      accessTtlSeconds: this.auth.accessTtlSeconds,
      refreshToken: tokens.refreshToken,
      csrfToken: tokens.csrfToken,
      sessionExpiresAt: tokens.session.expiresAt,
    });
  }
}
