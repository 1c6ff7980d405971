// JSON from callers, read without recursion limits of our own: the nesting depth is measured by one
// iterative pass over the text before anything parses or walks it, so a body nested 100,000 levels
// deep is a clear 400, never "Maximum call stack size exceeded" in some recursive walk later.

/**
 * Deepest nesting (objects + arrays) a request body may have. Chat bodies need ~10 levels
 * (messages → content parts → image_url), tool and response-format JSON schemas a few dozen; 128
 * leaves room for any real request and stays far below the depth at which recursive walks (ours,
 * `JSON.stringify`) overflow the stack. Azure does not document its own limit.
 */
export const MAX_JSON_DEPTH = 128;

/** The nesting depth of JSON text, counted iteratively (brackets inside strings do not count); stops early past `stopAbove`. */
export function jsonDepth(text: string, stopAbove: number = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > stopAbove) return deepest;
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

export type JsonRead = { ok: true; value: unknown } | { ok: false; problem: "too-deep" | "invalid"; message: string };

/** Parses caller JSON after checking its depth against `MAX_JSON_DEPTH`. */
export function readCallerJson(text: string, maxDepth: number = MAX_JSON_DEPTH): JsonRead {
  const depth = jsonDepth(text, maxDepth);
  if (depth > maxDepth) {
    return { ok: false, problem: "too-deep", message: `The request body nests JSON more than ${maxDepth} levels deep; the limit is ${maxDepth}.` };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, problem: "invalid", message: `The request body is not valid JSON (${error instanceof Error ? error.message : String(error)}).` };
  }
}
