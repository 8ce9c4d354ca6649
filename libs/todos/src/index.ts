export * from './dto/create-todo.dto';
export * from './dto/todo-response.dto';
export * from './dto/update-todo.dto';
export * from './entities/todo.entity';
export * from './todos.errors';
export * from './todos.module';
export * from './todos.service';
export type { Todo } from './todos.repository';
