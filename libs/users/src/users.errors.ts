import { AppError } from '@app/common';

export class UsernameTakenError extends AppError {
  readonly status = 409;
  readonly code = 'username_taken';
  readonly title = 'Username taken';
  constructor() {
    super('This username is already taken.');
  }
}

export class EmailTakenError extends AppError {
  readonly status = 409;
  readonly code = 'email_taken';
  readonly title = 'Email taken';
  constructor() {
    super('This email address is already registered.');
  }
}

export class UserNotFoundError extends AppError {
  readonly status = 404;
  readonly code = 'user_not_found';
  readonly title = 'User not found';
  constructor() {
    super('No user with this id.');
  }
}

export class CannotDeleteSelfError extends AppError {
  readonly status = 409;
  readonly code = 'cannot_delete_self';
  readonly title = 'Cannot delete yourself';
  constructor() {
    super('An admin cannot delete their own account; ask another admin.');
  }
}

export class CannotDemoteSelfError extends AppError {
  readonly status = 409;
  readonly code = 'cannot_demote_self';
  readonly title = 'Cannot demote or deactivate yourself';
  constructor() {
    super('An admin cannot remove their own admin role or deactivate themself; ask another admin.');
  }
}

export class ForbiddenError extends AppError {
  readonly status = 403;
  readonly code = 'forbidden';
  readonly title = 'Forbidden';
  constructor(detail = 'You are not allowed to do this.') {
    super(detail);
  }
}
