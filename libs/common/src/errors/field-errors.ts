import type { FieldError } from './app-error';

/** One entry per field, messages joined with "; " in their original order. */
export function mergeByField(errors: FieldError[]): FieldError[] {
  const merged = new Map<string, string[]>();
  for (const { field, message } of errors) merged.set(field, [...(merged.get(field) ?? []), message]);
  return [...merged].map(([field, messages]) => ({ field, message: messages.join('; ') }));
}
