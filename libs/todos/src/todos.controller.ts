import { ApiProblems, CurrentUser, IdParamDto, RequestAuthContext, Roles } from '@app/common';
import { Body, Controller, Delete, Get, Header, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { CreateTodoDto } from './dto/create-todo.dto';
import { ListTodosQueryDto } from './dto/list-todos-query.dto';
import { TodoPageDto, TodoResponseDto, toTodoResponse } from './dto/todo-response.dto';
import { UpdateTodoDto } from './dto/update-todo.dto';
import { TodosService } from './todos.service';

@ApiTags('todos')
@ApiBearerAuth('bearer')
@ApiCookieAuth('cookie')
@ApiSecurity('oauth2')
@ApiProblems(401)
@Controller('todos')
export class TodosController {
  constructor(private readonly todos: TodosService) {}

  @ApiOperation({ summary: 'Create a todo of mine' })
  @ApiProblems(403, 422)
  @Post()
  async createTodo(@CurrentUser() me: RequestAuthContext, @Body() dto: CreateTodoDto): Promise<TodoResponseDto> {
    return toTodoResponse(await this.todos.create(me.userId, dto));
  }

  @ApiOperation({ summary: 'My todos, filterable by completed' })
  @ApiOkResponse({ type: TodoPageDto })
  @ApiProblems(422)
  @Get()
  // The service hands over the page already serialised (it may come from the list cache as is).
  @Header('content-type', 'application/json; charset=utf-8')
  listTodos(@CurrentUser() me: RequestAuthContext, @Query() query: ListTodosQueryDto): Promise<string> {
    return this.todos.listJson(me.userId, query);
  }

  @ApiOperation({ summary: 'One of my todos (someone else’s id is 404)' })
  @ApiProblems(404, 422)
  @Get(':id')
  async getTodo(@CurrentUser() me: RequestAuthContext, @Param() { id }: IdParamDto): Promise<TodoResponseDto> {
    return toTodoResponse(await this.todos.getOwned(me.userId, id));
  }

  @ApiOperation({ summary: 'Change the title, description or completed of one of my todos' })
  @ApiProblems(403, 404, 422)
  @Patch(':id')
  async updateTodo(
    @CurrentUser() me: RequestAuthContext,
    @Param() { id }: IdParamDto,
    @Body() dto: UpdateTodoDto,
  ): Promise<TodoResponseDto> {
    return toTodoResponse(await this.todos.updateOwned(me.userId, id, dto));
  }

  @ApiOperation({ summary: 'Delete anyone’s todo (admin)' })
  @ApiProblems(403, 404, 422)
  @Roles('admin')
  @Delete(':id')
  @HttpCode(204)
  async deleteTodo(@CurrentUser() admin: RequestAuthContext, @Param() { id }: IdParamDto): Promise<void> {
    await this.todos.delete(admin, id);
  }
}
