export type Child = Node | string | null | undefined | false;
type Listener = (event: Event) => void;
export type Props = Record<string, string | number | boolean | null | undefined | Listener>;

/**
 * Creates an element: `on<event>` props become listeners (the CSP forbids inline handlers), `true` gives an empty
 * attribute, `false`, null and undefined leave the attribute out.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, '');
    else if (value !== false && value !== null && value !== undefined) element.setAttribute(name, String(value));
  }
  element.append(
    ...children.filter((child): child is Node | string => child !== null && child !== undefined && child !== false),
  );
  return element;
}

/** A labelled form field: label, control and the place for its error message (linked by aria-describedby). */
export function field(
  id: string,
  label: string,
  control: HTMLInputElement | HTMLTextAreaElement,
  hint?: string,
): { row: HTMLElement; control: HTMLInputElement | HTMLTextAreaElement; error: HTMLElement } {
  control.id = id;
  const hintElement = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
  const error = h('p', { class: 'field-error', id: `${id}-error`, 'data-testid': `${id}-error`, hidden: true });
  control.setAttribute('aria-describedby', [hintElement?.id, error.id].filter(Boolean).join(' '));
  return {
    row: h('div', { class: 'field' }, h('label', { for: id }, label), control, hintElement, error),
    control,
    error,
  };
}

export function setFieldError(
  entry: { control: HTMLInputElement | HTMLTextAreaElement; error: HTMLElement },
  message?: string,
): void {
  entry.error.textContent = message ?? '';
  entry.error.hidden = !message;
  if (message) entry.control.setAttribute('aria-invalid', 'true');
  else entry.control.removeAttribute('aria-invalid');
}

/** An alert box for a view's errors, hidden until it has something to say. */
export function alertBox(testId: string): HTMLElement {
  return h('div', { class: 'alert', role: 'alert', 'data-testid': testId, hidden: true });
}

export function showMessage(box: HTMLElement, message?: string): void {
  box.textContent = message ?? '';
  box.hidden = !message;
}

/** A `<time>` showing a timestamp in the user's locale. */
export function time(iso: string): HTMLTimeElement {
  return h(
    'time',
    { datetime: iso },
    new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }),
  );
}

/** "Chrome 156 on Linux" from a User-Agent header; the raw header when nothing is recognised. */
export function describeUserAgent(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device';
  const browser = /(Firefox|Edg|OPR|Chrome|Version)\/(\d+)/.exec(userAgent);
  const os = /(Windows|Mac OS X|Android|iPhone|iPad|CrOS|Linux)/.exec(userAgent);
  if (!browser) return userAgent.slice(0, 60);
  const names: Record<string, string> = { Edg: 'Edge', OPR: 'Opera', Version: 'Safari', CrOS: 'ChromeOS' };
  const name = names[browser[1]] ?? browser[1];
  const system = os ? (names[os[1]] ?? os[1].replace('Mac OS X', 'macOS')) : undefined;
  return system ? `${name} ${browser[2]} on ${system}` : `${name} ${browser[2]}`;
}
