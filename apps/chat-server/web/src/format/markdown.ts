import MarkdownIt from 'markdown-it';

/**
 * Message text as a safe subset of Markdown: bold, italic, strike, inline code, code blocks,
 * links (and bare URLs), lists, quotes, line breaks. Parsed by markdown-it with raw HTML off;
 * its tokens become a small tree of allowed tags only, which the view turns into DOM with text
 * nodes (never innerHTML). Links keep only http, https and mailto.
 */
export type MdNode = string | MdElement;

export interface MdElement {
  tag: MdTag;
  href?: string;
  start?: number;
  children: MdNode[];
}

export type MdTag =
  'p' | 'strong' | 'em' | 's' | 'code' | 'pre' | 'a' | 'ul' | 'ol' | 'li' | 'blockquote' | 'br';

const ALLOWED = new Set<string>([
  'p',
  'strong',
  'em',
  's',
  'code',
  'pre',
  'a',
  'ul',
  'ol',
  'li',
  'blockquote',
]);
const SAFE_LINK = /^(https?:\/\/|mailto:)/i;

export const isSafeLink = (url: string): boolean => SAFE_LINK.test(url.trim());

const md = new MarkdownIt('zero', { html: false, linkify: true, breaks: true });
md.enable(['paragraph', 'code', 'fence', 'blockquote', 'list', 'newline', 'escape', 'backticks']);
md.enable(['emphasis', 'strikethrough', 'link', 'autolink', 'linkify', 'text_join']);
md.validateLink = isSafeLink;

type Token = ReturnType<typeof md.parse>[number];

/** The tree of `text`; anything outside the subset stays plain text. */
export function markdownTree(text: string): MdNode[] {
  const root: MdElement = { tag: 'p', children: [] };
  build(md.parse(text, {}), root);
  return root.children;
}

function build(tokens: Token[], root: MdElement): void {
  const stack: MdElement[] = [root];
  const top = () => stack[stack.length - 1];
  for (const t of tokens) {
    if (t.type === 'inline') {
      build(t.children ?? [], top());
      continue;
    }
    if (t.nesting === 1) {
      // Tight lists hide their paragraphs: their children go straight into the item.
      if (t.hidden || !ALLOWED.has(t.tag)) {
        stack.push(top());
        continue;
      }
      const el: MdElement = { tag: t.tag as MdTag, children: [] };
      if (t.tag === 'a') {
        const href = String(t.attrGet('href') ?? '');
        if (!isSafeLink(href)) {
          stack.push(top());
          continue;
        }
        el.href = href;
      }
      if (t.tag === 'ol') {
        const start = Number(t.attrGet('start') ?? 1);
        if (Number.isInteger(start) && start !== 1) el.start = start;
      }
      top().children.push(el);
      stack.push(el);
    } else if (t.nesting === -1) {
      if (stack.length > 1) stack.pop();
    } else {
      leaf(t, top());
    }
  }
}

function leaf(t: Token, parent: MdElement): void {
  switch (t.type) {
    case 'text':
      return pushText(parent, t.content);
    case 'code_inline':
      parent.children.push({ tag: 'code', children: [t.content] });
      return;
    case 'code_block':
    case 'fence':
      parent.children.push({
        tag: 'pre',
        children: [{ tag: 'code', children: [t.content.replace(/\n$/, '')] }],
      });
      return;
    case 'softbreak':
    case 'hardbreak':
      parent.children.push({ tag: 'br', children: [] });
      return;
    default:
      if (t.content) pushText(parent, t.content);
  }
}

function pushText(parent: MdElement, text: string): void {
  const last = parent.children[parent.children.length - 1];
  if (typeof last === 'string') parent.children[parent.children.length - 1] = last + text;
  else parent.children.push(text);
}
