import { describe, expect, it } from '@jest/globals';
import { isSafeLink, markdownTree, MdNode } from './markdown';

/** The tree as compact HTML-ish text, for readable expectations (text is NOT escaped here). */
function show(nodes: MdNode[]): string {
  return nodes
    .map((n) =>
      typeof n === 'string'
        ? n
        : n.tag === 'br'
          ? '<br>'
          : `<${n.tag}${n.href ? ` href=${n.href}` : ''}${n.start ? ` start=${n.start}` : ''}>${show(n.children)}</${n.tag}>`,
    )
    .join('');
}

describe('markdownTree', () => {
  it('renders the subset: bold, italic, strike, inline code, code blocks, links, lists, quotes', () => {
    expect(show(markdownTree('**b** *i* _i_ ~~s~~ `c`'))).toBe(
      '<p><strong>b</strong> <em>i</em> <em>i</em> <s>s</s> <code>c</code></p>',
    );
    expect(show(markdownTree('```\nconst a = 1 < 2;\n```'))).toBe('<pre><code>const a = 1 < 2;</code></pre>');
    expect(show(markdownTree('[site](https://example.com)'))).toBe(
      '<p><a href=https://example.com>site</a></p>',
    );
    expect(show(markdownTree('see https://example.com/x'))).toBe(
      '<p>see <a href=https://example.com/x>https://example.com/x</a></p>',
    );
    expect(show(markdownTree('- one\n- two'))).toBe('<ul><li>one</li><li>two</li></ul>');
    expect(show(markdownTree('3. three\n4. four'))).toBe('<ol start=3><li>three</li><li>four</li></ol>');
    expect(show(markdownTree('> quoted'))).toBe('<blockquote><p>quoted</p></blockquote>');
    expect(show(markdownTree('line one\nline two'))).toBe('<p>line one<br>line two</p>');
  });

  it('keeps what is outside the subset as text: headings, images, tables', () => {
    expect(show(markdownTree('# title'))).toBe('<p># title</p>');
    expect(show(markdownTree('![x](https://example.com/x.png)'))).toBe(
      '<p>!<a href=https://example.com/x.png>x</a></p>',
    );
  });

  it.each([
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '<a href="javascript:alert(1)">x</a>',
    '<svg onload=alert(1)>',
    '<iframe src="javascript:alert(1)"></iframe>',
  ])('keeps raw HTML as text: %s', (payload) => {
    expect(markdownTree(payload)).toEqual([{ tag: 'p', children: [payload] }]);
  });

  it.each([
    '[x](javascript:alert(1))',
    '[x](JaVaScRiPt:alert(1))',
    '[x](  javascript:alert(1))',
    '[x](vbscript:msgbox(1))',
    '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '[x](file:///etc/passwd)',
    '[x](/relative)',
    '<javascript:alert(1)>',
    '[x](java\tscript:alert(1))',
    '[x](&#106;avascript:alert(1))',
  ])('never makes an unsafe link: %s', (payload) => {
    const links: string[] = [];
    const walk = (nodes: MdNode[]) =>
      nodes.forEach((n) => {
        if (typeof n === 'string') return;
        if (n.tag === 'a') links.push(n.href ?? '');
        walk(n.children);
      });
    walk(markdownTree(payload));
    expect(links).toEqual([]);
  });

  it('allows http, https and mailto links only', () => {
    expect(isSafeLink('https://a.example')).toBe(true);
    expect(isSafeLink('http://a.example')).toBe(true);
    expect(isSafeLink('mailto:a@example.com')).toBe(true);
    expect(isSafeLink('javascript:alert(1)')).toBe(false);
    expect(isSafeLink('//evil.example')).toBe(false);
  });
});
