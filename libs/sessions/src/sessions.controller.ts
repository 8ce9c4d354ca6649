import { ApiProblems, CurrentUser, IdParamDto, RequestAuthContext, Roles } from '@app/common';
import { Controller, Delete, Get, HttpCode, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AbortSessionsQueryDto, AdminSessionsQueryDto } from './dto/session-queries.dto';
import {
  AdminSessionPageDto,
  SessionResponseDto,
  toAdminSessionResponse,
  toSessionResponse,
} from './dto/session-response.dto';
import { SessionsService } from './sessions.service';

@ApiTags('sessions')
@ApiBearerAuth('bearer')
@ApiCookieAuth('cookie')
@ApiSecurity('oauth2')
@ApiProblems(401)
@Controller('sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @ApiOperation({ summary: 'My active sessions, newest first; `current` marks this one' })
  @Get()
  async listMySessions(@CurrentUser() me: RequestAuthContext): Promise<SessionResponseDto[]> {
    return (await this.sessions.listMine(me)).map((s) => toSessionResponse(s, me.sessionId));
  }

  @ApiOperation({ summary: 'End one of my sessions (someone else’s id is 404)' })
  @ApiProblems(403, 404, 422)
  @Delete(':id')
  @HttpCode(204)
  async abortSession(@CurrentUser() me: RequestAuthContext, @Param() { id }: IdParamDto): Promise<void> {
    await this.sessions.abortMine(me, id);
  }

  @ApiOperation({ summary: 'End my other sessions (scope=others) or all of them, this one too (scope=all)' })
  @ApiProblems(403, 422)
  @Delete()
  @HttpCode(204)
  async abortSessions(@CurrentUser() me: RequestAuthContext, @Query() { scope }: AbortSessionsQueryDto): Promise<void> {
    await this.sessions.abortMineAll(me, scope);
  }
}

@ApiTags('admin')
@ApiBearerAuth('bearer')
@ApiCookieAuth('cookie')
@ApiSecurity('oauth2')
@ApiProblems(401, 403)
@Roles('admin')
@Controller('admin')
export class AdminSessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @ApiOperation({ summary: 'Anyone’s sessions, filterable by user and by live/ended (admin)' })
  @ApiProblems(422)
  @Get('sessions')
  async listSessions(@Query() query: AdminSessionsQueryDto): Promise<AdminSessionPageDto> {
    const page = await this.sessions.list({
      userId: query.user_id,
      active: query.active,
      page: query.page,
      limit: query.limit,
    });
    return { ...page, items: page.items.map(toAdminSessionResponse) };
  }

  @ApiOperation({ summary: 'End anyone’s session (admin)' })
  @ApiProblems(404, 422)
  @Delete('sessions/:id')
  @HttpCode(204)
  async abortAnySession(@CurrentUser() admin: RequestAuthContext, @Param() { id }: IdParamDto): Promise<void> {
    await this.sessions.abortAsAdmin(admin, id);
  }

  @ApiOperation({ summary: 'End every session of a user (admin)' })
  @ApiProblems(404, 422)
  @Delete('users/:id/sessions')
  @HttpCode(204)
  async abortUserSessions(@CurrentUser() admin: RequestAuthContext, @Param() { id }: IdParamDto): Promise<void> {
    await this.sessions.abortUserAsAdmin(admin, id);
  }
}
