import { ApiProblems, CurrentUser, IdParamDto, RequestAuthContext, Roles } from '@app/common';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { CreateUserDto } from './dto/create-user.dto';
import { ListUsersQueryDto } from './dto/list-users-query.dto';
import { AdminUpdateUserDto, UpdateProfileDto } from './dto/update-user.dto';
import { toUserResponse, UserPageDto, UserResponseDto } from './dto/user-response.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiBearerAuth('bearer')
@ApiCookieAuth('cookie')
@ApiSecurity('oauth2')
@ApiProblems(401)
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @ApiOperation({ summary: 'My account' })
  @Get('me')
  async getMe(@CurrentUser() me: RequestAuthContext): Promise<UserResponseDto> {
    return toUserResponse(await this.users.getProfile(me.userId, me.cachedProfile));
  }

  @ApiOperation({ summary: 'Change my username, email or full name' })
  @ApiProblems(403, 409, 422)
  @Patch('me')
  async updateMe(@CurrentUser() me: RequestAuthContext, @Body() dto: UpdateProfileDto): Promise<UserResponseDto> {
    return toUserResponse(await this.users.updateProfile(me.userId, dto));
  }

  @ApiOperation({ summary: 'List users (admin)' })
  @ApiProblems(403, 422)
  @Roles('admin')
  @Get()
  async listUsers(@Query() query: ListUsersQueryDto): Promise<UserPageDto> {
    const page = await this.users.list(query);
    return { ...page, items: page.items.map(toUserResponse) };
  }

  @ApiOperation({ summary: 'Create a user, optionally an admin or inactive (admin)' })
  @ApiProblems(403, 409, 422)
  @Roles('admin')
  @Post()
  async createUser(@Body() dto: CreateUserDto): Promise<UserResponseDto> {
    return toUserResponse(await this.users.create(dto));
  }

  @ApiOperation({ summary: 'A user (admin, or yourself)' })
  @ApiProblems(403, 404, 422)
  @Get(':id')
  async getUser(@CurrentUser() me: RequestAuthContext, @Param() { id }: IdParamDto): Promise<UserResponseDto> {
    return toUserResponse(await this.users.getAs(me, id));
  }

  @ApiOperation({ summary: 'Change a user (admin: anything; yourself: your profile)' })
  @ApiProblems(403, 404, 409, 422)
  @Patch(':id')
  async updateUser(
    @CurrentUser() me: RequestAuthContext,
    @Param() { id }: IdParamDto,
    @Body() dto: AdminUpdateUserDto,
  ): Promise<UserResponseDto> {
    return toUserResponse(await this.users.updateAs(me, id, dto));
  }

  @ApiOperation({ summary: 'Delete a user and end their sessions (admin; not yourself)' })
  @ApiProblems(403, 404, 409, 422)
  @Roles('admin')
  @Delete(':id')
  @HttpCode(204)
  async deleteUser(@CurrentUser() me: RequestAuthContext, @Param() { id }: IdParamDto): Promise<void> {
    await this.users.delete(me, id);
  }
}
