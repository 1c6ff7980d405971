// APIM's operation matching: a request reaches the API's policy only when its method and path
// (below the API suffix) match one of the API's operations; the URL template's `{parameters}` become
// context.Request.MatchedParameters. A request that matches none never runs the policy: APIM answers
// 404 itself, in its own body shape (the API's on-error cannot reshape it; docs list the reason as
// OperationNotFound, "Unable to match incoming request to an operation").
import { jsonResponse, type SimResponse } from "../http-types";

export interface OperationTemplate {
  readonly id: string;
  readonly method: string;
  /** URL template relative to the API path, e.g. `/deployments/{deployment-id}/chat/completions`. */
  readonly urlTemplate: string;
}

export interface MatchedOperation {
  id: string;
  parameters: Record<string, string>;
}

interface Compiled {
  template: OperationTemplate;
  pattern: RegExp;
  names: string[];
}

export class OperationMatcher {
  private readonly compiled: Compiled[];

  constructor(operations: readonly OperationTemplate[]) {
    this.compiled = operations.map((template) => {
      const names: string[] = [];
      const source = template.urlTemplate
        .split(/(\{[^}]+\})/)
        .map((part) => {
          const name = /^\{([^}]+)\}$/.exec(part)?.[1];
          if (name === undefined) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
          names.push(name);
          return "([^/]+)";
        })
        .join("");
      return { template, pattern: new RegExp(`^${source}/?$`), names };
    });
  }

  /** The operation a method + path (below the API suffix) matches, or undefined. */
  match(method: string, path: string): MatchedOperation | undefined {
    for (const c of this.compiled) {
      if (c.template.method !== method.toUpperCase()) continue;
      const m = c.pattern.exec(path);
      if (!m) continue;
      const parameters: Record<string, string> = {};
      c.names.forEach((name, i) => (parameters[name] = decodeURIComponent(m[i + 1]!)));
      return { id: c.template.id, parameters };
    }
    return undefined;
  }
}

/** What APIM answers when no operation matches (its own shape, not Azure OpenAI's). */
export function operationNotFound(): SimResponse {
  return jsonResponse(404, { statusCode: 404, message: "Resource not found" });
}
