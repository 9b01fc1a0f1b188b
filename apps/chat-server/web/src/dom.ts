// A tiny DOM builder. Text always goes through text nodes (never innerHTML), so nothing a user
// or the server sends can become markup.

type Child = Node | string | number | null | undefined | false;
type Handler = (event: Event) => void;
export interface Props {
  class?: string;
  id?: string;
  title?: string;
  role?: string;
  type?: string;
  name?: string;
  value?: string;
  placeholder?: string;
  href?: string;
  target?: string;
  rel?: string;
  for?: string;
  hidden?: boolean;
  disabled?: boolean;
  required?: boolean;
  autocomplete?: string;
  tabindex?: number;
  dataset?: Record<string, string>;
  aria?: Record<string, string>;
  attrs?: Record<string, string>;
  on?: Record<string, Handler>;
  style?: Partial<Record<'background' | 'color' | 'width', string>>;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  if (props.id) el.id = props.id;
  if (props.title) el.title = props.title;
  if (props.role) el.setAttribute('role', props.role);
  if (props.type) el.setAttribute('type', props.type);
  if (props.name) el.setAttribute('name', props.name);
  if (props.value !== undefined) (el as HTMLInputElement).value = props.value;
  if (props.placeholder) el.setAttribute('placeholder', props.placeholder);
  if (props.href && /^(https?:|\/|#)/i.test(props.href)) el.setAttribute('href', props.href);
  if (props.target) el.setAttribute('target', props.target);
  if (props.rel) el.setAttribute('rel', props.rel);
  if (props.for) el.setAttribute('for', props.for);
  if (props.hidden) el.hidden = true;
  if (props.disabled) el.setAttribute('disabled', '');
  if (props.required) el.setAttribute('required', '');
  if (props.autocomplete) el.setAttribute('autocomplete', props.autocomplete);
  if (props.tabindex !== undefined) el.tabIndex = props.tabindex;
  for (const [k, v] of Object.entries(props.dataset ?? {})) el.dataset[k] = v;
  for (const [k, v] of Object.entries(props.aria ?? {})) el.setAttribute(`aria-${k}`, v);
  for (const [k, v] of Object.entries(props.attrs ?? {})) el.setAttribute(k, v);
  for (const [k, v] of Object.entries(props.on ?? {})) el.addEventListener(k, v);
  for (const [k, v] of Object.entries(props.style ?? {})) if (v) el.style.setProperty(k, v);
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** Replaces all children of `parent`. */
export function replace(parent: Node, ...children: Child[]): void {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, ...children);
}

/** Initials for an avatar: "alice_smith" -> "AS", "bob" -> "B", "user42_7" -> "U". */
export function initials(name: string): string {
  const parts = name.split(/[\s._-]+/).filter(Boolean);
  const second = parts[1]?.[0];
  const letters = parts[0]?.[0] ?? '?';
  return (second && /\p{L}/u.test(second) ? letters + second : letters).toUpperCase();
}

/** A stable, pleasant colour per user (golden-angle hues, so neighbouring ids differ). */
export function colorFor(seed: string | number): string {
  let n = 0;
  for (const c of String(seed)) n = (n * 31 + c.charCodeAt(0)) >>> 0;
  return `hsl(${Math.round((n * 137.508) % 360)} 52% 40%)`;
}

export function avatar(name: string, seed: string | number, extraClass = ''): HTMLElement {
  return h(
    'span',
    { class: `avatar ${extraClass}`.trim(), style: { background: colorFor(seed) }, aria: { hidden: 'true' } },
    initials(name),
  );
}

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayFmt = new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'long', day: 'numeric' });
const fullFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Server timestamps may come without a zone ("2023-10-27T10:50:00"): those are UTC. */
export function parseTime(value: string | undefined | null): Date {
  if (!value) return new Date(NaN);
  const zoned = /[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`;
  return new Date(zoned);
}

export const formatTime = (d: Date): string => (isNaN(d.getTime()) ? '' : timeFmt.format(d));
export const formatFull = (d: Date): string => (isNaN(d.getTime()) ? '' : fullFmt.format(d));

export function formatDay(d: Date): string {
  if (isNaN(d.getTime())) return '';
  const today = new Date();
  const yesterday = new Date(today.getTime() - 86_400_000);
  if (d.toDateString() === today.toDateString()) return 'Today';
  if (d.toDateString() === yesterday.toDateString()) return 'Yesterday';
  return dayFmt.format(d);
}

export function relativeTime(d: Date): string {
  const s = Math.round((Date.now() - d.getTime()) / 1000);
  if (isNaN(s)) return '';
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return formatFull(d);
}
