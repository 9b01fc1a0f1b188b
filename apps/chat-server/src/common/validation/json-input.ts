/** Deeper than any DTO of the API (at most 2 levels): refused before the validation pipe recurses into it. */
export const MAX_JSON_DEPTH = 32;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether a string is well-formed UTF-16 (no lone surrogate), i.e. storable in UTF-8 as it is. */
export const isWellFormedText = (s: string): boolean => !LONE_SURROGATE.test(s);

/**
 * Why a parsed request input (JSON body, query or path parameters) is refused before any DTO
 * sees it, or undefined. Walks iteratively, so a hostile nesting depth cannot overflow the stack
 * here, and stops it from reaching class-transformer, which recurses. Strings with lone
 * surrogates are refused: they cannot be stored in UTF-8 and returned as sent.
 */
export function jsonInputProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): string | undefined {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v === 'string') {
      if (!isWellFormedText(v)) return 'Text must be well-formed Unicode (no lone surrogates)';
    } else if (v !== null && typeof v === 'object') {
      if (depth >= maxDepth) return `JSON nested deeper than ${maxDepth} levels`;
      for (const [key, child] of Object.entries(v)) {
        if (!isWellFormedText(key)) return 'Text must be well-formed Unicode (no lone surrogates)';
        stack.push([child, depth + 1]);
      }
    }
  }
  return undefined;
}
