// The client surfaces (operations.ts): which one a request came in on, the route it names, and the
// answers the gateway gives itself before routing — the route list for GET /v1/models, 400 for a v1
// or Responses call without `model`, 404 for a model that is no route. Legacy paths name the route in
// the path (`deployment-id`); v1 and Responses name it in the body's `model`, read as JSON with
// preserveContent so the body still reaches Azure.
import type { SetHeader, Statement } from "../ast";
import type { Expr } from "../expr/ast";
import { and, conditional, ctx, eq, matchedParameter, neq, or, requestBodyField, requestBodyFieldType, str, variable } from "../expr/helpers";
import { operationIds, type OperationSurface } from "../operations";
import { DEFAULT_API_VERSION, NAMES } from "./edge";
import type { EdgeSpec } from "./types";

export const surfaceIs = (surface: OperationSurface): Expr => eq(variable(NAMES.surfaceVar, "string"), str(surface));
const operationIn = (surface: OperationSurface): Expr => or(...operationIds(surface).map((id) => eq(ctx("operationId"), str(id))));

const jsonHeader = (): SetHeader => ({ kind: "set-header", name: "Content-Type", existsAction: "override", values: ["application/json"] });

/** A gateway answer with a static JSON body (JSON.stringify escapes; the XML layer escapes again). */
export function staticJsonResponse(code: number, reason: string, body: unknown, headers: SetHeader[] = []): Statement {
  return { kind: "return-response", status: { code, reason }, headers: [jsonHeader(), ...headers], body: JSON.stringify(body) };
}

/** A gateway answer whose JSON body is built at run time (jsonText: values escaped by the JSON writer). */
export function jsonAnswer(code: number | Expr, reason: string | undefined, body: Expr, headers: SetHeader[] = []): Statement {
  return { kind: "return-response", status: reason === undefined ? { code } : { code, reason }, headers: [jsonHeader(), ...headers], body };
}

/** The routes as an OpenAI model list (`GET /openai/v1/models`). */
function modelList(routes: readonly string[]): unknown {
  return { object: "list", data: [...routes].sort().map((id) => ({ id, object: "model", created: 0, owned_by: "aoai-fleet" })) };
}

/**
 * Inbound statements that set `aoai-surface` from the matched operation, answer GET /v1/models, and
 * default `api-version` on the surfaces forwarded on the deployment path (the v1 and Responses APIs
 * take no dated version: `api-version=2024-10-21` there would be refused by Azure).
 */
export function surfaceStatements(routes: readonly string[], edge: EdgeSpec): Statement[] {
  const set = (surface: OperationSurface): Statement => ({ kind: "set-variable", name: NAMES.surfaceVar, value: surface });
  return [
    {
      kind: "choose",
      when: [
        { condition: operationIn("models"), policies: [staticJsonResponse(200, "OK", modelList(routes))] },
        { condition: operationIn("v1"), policies: [set("v1")] },
        { condition: operationIn("responses"), policies: [set("responses")] },
        { condition: operationIn("response"), policies: [set("response")] },
      ],
      otherwise: [set("deployment")],
    },
    {
      kind: "choose",
      when: [
        {
          condition: or(surfaceIs("deployment"), surfaceIs("v1")),
          policies: [{ kind: "set-query-parameter", name: "api-version", existsAction: "skip", values: [edge.defaultApiVersion ?? DEFAULT_API_VERSION] }],
        },
      ],
    },
  ];
}

/**
 * Sets `aoai-model` (the route the client names) and answers 400 when a body-routed call has none.
 * The body read carries id `aoai-read-body`: a body that is not JSON fails there, and on-error
 * answers 400 (errors.ts).
 */
export function modelStatements(routes: readonly string[]): Statement[] {
  return [
    {
      kind: "set-variable",
      name: NAMES.modelVar,
      id: NAMES.readBodyId,
      value: conditional(surfaceIs("deployment"), matchedParameter("deployment-id", ""), requestBodyField("model")),
    },
    {
      kind: "choose",
      when: [
        {
          condition: eq(variable(NAMES.modelVar, "string"), str("")),
          policies: [
            staticJsonResponse(400, "Bad Request", {
              error: {
                code: "missing_required_parameter",
                message: `Missing required parameter: 'model'. On this gateway the model names a route: ${[...routes].sort().join(", ")}.`,
                param: "model",
                type: "invalid_request_error",
              },
            }),
          ],
        },
      ],
    },
  ];
}

/**
 * The answer for a model (or path deployment) that names no route: Azure's 404 DeploymentNotFound,
 * with the routes. A body `model` that is not text (`model: 5` reads as the text "5", which no route
 * has) is Azure's 400 invalid_type instead (found by SDK QA). The type is read here, where the call
 * has already failed, rather than beside the model: every routed call would otherwise parse its body
 * once more for a check only a broken client needs. (Absent and null `model` are the missing-parameter
 * 400 above.) Without `typeCheck` (EdgeSpec.modelTypeCheck) every such call gets the 404.
 */
export function unknownRouteResponse(routes: readonly string[], typeCheck = true): Statement {
  const listed = [...routes].sort().join(", ");
  const notFound = staticJsonResponse(404, "Not Found", {
    error: { code: "DeploymentNotFound", message: `This gateway has no route for the requested deployment. Routes: ${listed}` },
  });
  if (!typeCheck) return notFound;
  return {
    kind: "choose",
    when: [
      {
        condition: and(neq(variable(NAMES.surfaceVar, "string"), str("deployment")), neq(requestBodyFieldType("model"), str("String"))),
        policies: [
          staticJsonResponse(400, "Bad Request", {
            error: { code: "invalid_type", message: `Invalid type for 'model': expected a string naming a route: ${listed}.`, param: "model", type: "invalid_request_error" },
          }),
        ],
      },
    ],
    otherwise: [notFound],
  };
}