import { ApiError, call, client, type Todo } from '../api';
import { alertBox, field, h, setFieldError, showMessage } from '../dom';
import { reportError } from '../session';

const PAGE_SIZE = 100;

export function todosView(): HTMLElement {
  const error = alertBox('todos-error');
  const summary = h('p', { class: 'summary', 'data-testid': 'todos-summary', 'aria-live': 'polite' });
  const list = h('ul', { class: 'todos', 'data-testid': 'todo-list', 'data-state': 'loading', 'aria-label': 'Todos' });
  let todos: Todo[] = [];
  let total = 0;

  const title = field('todo-title', 'Title', h('input', { required: true, maxlength: 255, autocomplete: 'off' }));
  const description = field('todo-description', 'Description (optional)', h('textarea', { rows: 2, maxlength: 1000 }));
  const add = h('button', { type: 'submit', 'data-testid': 'todo-add' }, 'Add todo');

  const renderList = (): void => {
    list.replaceChildren(...todos.map(todoItem));
    if (todos.length === 0)
      list.append(h('li', { class: 'empty', 'data-testid': 'todos-empty' }, 'Nothing to do yet.'));
    const done = todos.filter((todo) => todo.completed).length;
    const more = total > todos.length ? ` Showing the newest ${todos.length} of ${total}.` : '';
    summary.textContent = `${todos.length - done} open, ${done} completed.${more}`;
  };

  const todoItem = (todo: Todo): HTMLElement => {
    const checkbox = h('input', {
      type: 'checkbox',
      id: `todo-${todo.id}`,
      checked: todo.completed,
      'data-testid': 'todo-toggle',
      onchange: () => {
        checkbox.disabled = true;
        showMessage(error);
        call(() =>
          client.api.PATCH('/api/v1/todos/{id}', {
            params: { path: { id: todo.id } },
            body: { completed: checkbox.checked },
          }),
        )
          .then((updated) => {
            todos = todos.map((t) => (t.id === updated.id ? updated : t));
            renderList();
          })
          .catch((failure: unknown) => {
            checkbox.checked = todo.completed;
            checkbox.disabled = false;
            reportError(error, failure);
          });
      },
    });
    return h(
      'li',
      {
        class: todo.completed ? 'todo done' : 'todo',
        'data-testid': 'todo-item',
        'data-todo-id': todo.id,
        'data-completed': String(todo.completed),
      },
      checkbox,
      h(
        'div',
        {},
        h('label', { for: checkbox.id, 'data-testid': 'todo-title-text' }, todo.title),
        todo.description ? h('p', { class: 'description' }, todo.description) : null,
      ),
    );
  };

  const form = h(
    'form',
    {
      class: 'inline-form',
      'data-testid': 'todo-form',
      'aria-label': 'Add a todo',
      onsubmit: (event) => {
        event.preventDefault();
        showMessage(error);
        setFieldError(title);
        setFieldError(description);
        add.disabled = true;
        const body = { title: title.control.value, description: description.control.value.trim() || undefined };
        call(() => client.api.POST('/api/v1/todos', { body }))
          .then((created) => {
            todos = [created, ...todos];
            total += 1;
            renderList();
            title.control.value = description.control.value = '';
            title.control.focus();
          })
          .catch((failure: unknown) => {
            reportError(error, failure);
            if (!(failure instanceof ApiError)) return;
            for (const { field: name, message } of failure.fieldErrors) {
              if (name === 'title') setFieldError(title, message);
              if (name === 'description') setFieldError(description, message);
            }
          })
          .finally(() => (add.disabled = false));
      },
    },
    title.row,
    description.row,
    add,
  );

  call(() => client.api.GET('/api/v1/todos', { params: { query: { limit: PAGE_SIZE, sort: '-created_at' } } }))
    .then((page) => {
      todos = page.items;
      total = page.total;
      renderList();
      list.dataset.state = 'ready';
    })
    .catch((failure: unknown) => {
      list.dataset.state = 'error';
      reportError(error, failure);
    });

  return h(
    'section',
    { 'data-testid': 'todos-view' },
    h('h1', { id: 'page-title', tabindex: -1 }, 'My todos'),
    form,
    error,
    summary,
    list,
  );
}
