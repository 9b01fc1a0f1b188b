import { h } from '../dom';
import { isSafeLink, markdownTree, MdNode } from '../format/markdown';

/** Message text as DOM: the Markdown subset's tree, every piece of text a text node. */
export function renderRichText(text: string): DocumentFragment {
  const frag = document.createDocumentFragment();
  append(frag, markdownTree(text));
  return frag;
}

function append(parent: Node, nodes: MdNode[]): void {
  for (const n of nodes) {
    if (typeof n === 'string') {
      parent.appendChild(document.createTextNode(n));
      continue;
    }
    let el: HTMLElement;
    if (n.tag === 'a') {
      // Checked again here: only http(s) and mailto ever become an href.
      el =
        n.href && isSafeLink(n.href)
          ? h('a', { href: n.href, target: '_blank', rel: 'noopener noreferrer nofollow' })
          : h('span', {});
    } else {
      el = document.createElement(n.tag);
      if (n.tag === 'ol' && n.start) el.setAttribute('start', String(n.start));
    }
    append(el, n.children);
    parent.appendChild(el);
  }
}
