/** Deeper than any DTO of the API (at most 2 levels): refused before the validation pipe recurses into it. */
export const MAX_JSON_DEPTH = 32;

/** More fields than any DTO has (at most a handful): a body with more is refused before validation. */
export const MAX_JSON_KEYS_PER_OBJECT = 100;
/**
 * Object fields plus array items, at every level, in one input: the largest legitimate body (a
 * basic group with its 1000 initial members) stays under it, and validating or reporting on the
 * rest could cost a request's worth of CPU per element.
 */
export const MAX_JSON_ELEMENTS = 2000;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether a string is well-formed UTF-16 (no lone surrogate), i.e. storable in UTF-8 as it is. */
export const isWellFormedText = (s: string): boolean => !LONE_SURROGATE.test(s);

/**
 * Why a parsed request input (JSON body, query or path parameters) is refused before any DTO
 * sees it, or undefined. Walks iteratively, so a hostile nesting depth cannot overflow the stack
 * here, and stops it from reaching class-transformer, which recurses. Strings with lone
 * surrogates are refused: they cannot be stored in UTF-8 and returned as sent. An object with more
 * than {@link MAX_JSON_KEYS_PER_OBJECT} fields, or more than {@link MAX_JSON_ELEMENTS} fields and
 * items in all, is refused as soon as the walk counts past the bound: the validation pipe, which
 * costs far more per element (and reports each unknown field), never sees it.
 */
export function jsonInputProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): string | undefined {
  const stack: [unknown, number][] = [[value, 0]];
  let elements = 0;
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v === 'string') {
      if (!isWellFormedText(v)) return 'Text must be well-formed Unicode (no lone surrogates)';
    } else if (v !== null && typeof v === 'object') {
      if (depth >= maxDepth) return `JSON nested deeper than ${maxDepth} levels`;
      const keys = Object.keys(v);
      if (!Array.isArray(v) && keys.length > MAX_JSON_KEYS_PER_OBJECT)
        return `A JSON object may have at most ${MAX_JSON_KEYS_PER_OBJECT} fields`;
      elements += keys.length;
      if (elements > MAX_JSON_ELEMENTS)
        return `The input may hold at most ${MAX_JSON_ELEMENTS} fields and array items in all`;
      for (const [key, child] of Object.entries(v)) {
        if (!isWellFormedText(key)) return 'Text must be well-formed Unicode (no lone surrogates)';
        stack.push([child, depth + 1]);
      }
    }
  }
  return undefined;
}
