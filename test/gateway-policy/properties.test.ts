// fast-check properties: round-trip, injection resistance, determinism.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  composeRoutePolicy, expr as x, parseExpr, parsePolicy, parseValue, parseXml, renderExpr, renderPolicy, renderValue, isElement,
  type PolicyDocument, type RouteSpec, type Statement, type XmlElement,
} from "../../gateway-policy/index";
import { documentArb, exprArb, hostileString, valueArb } from "./support/arbitraries";
import { inventory, routes, subscriptionEdge } from "./support/fixtures";

const RUNS = { numRuns: 300 };

/** Element/attribute skeleton of an XML document: what a hostile value must never change. */
function skeleton(e: XmlElement): unknown {
  return [e.name, e.attributes.map(([k]) => k), e.children.filter(isElement).map(skeleton)];
}

describe("round-trip", () => {
  it("parseExpr(renderExpr(e)) deep-equals e", () => {
    fc.assert(fc.property(exprArb, (e) => {
      expect(parseExpr(renderExpr(e))).toEqual({ ok: true, expr: e });
    }), RUNS);
  });

  it("parseValue(renderValue(v)) deep-equals v", () => {
    fc.assert(fc.property(valueArb, (v) => {
      expect(parseValue(renderValue(v))).toEqual(v);
    }), RUNS);
  });

  it("parsePolicy(renderPolicy(doc)) deep-equals doc, and re-renders byte-identically", () => {
    fc.assert(fc.property(documentArb, (doc) => {
      const xml = renderPolicy(doc);
      const back = parsePolicy(xml);
      expect(back).toEqual(doc);
      expect(renderPolicy(back)).toBe(xml);
    }), { numRuns: 200 });
  });
});

describe("injection", () => {
  const docWith = (v: string): PolicyDocument => ({
    inbound: [
      { kind: "set-header", name: "x-user", existsAction: "override", values: [v] },
      { kind: "set-variable", name: "v", value: x.concat(x.str(v), x.requestHeader(v, v)) },
      { kind: "choose", when: [{ condition: x.eq(x.requestHeader("x-a", v), x.str(v)), policies: [{ kind: "set-backend-service", backendId: v }] }] },
    ],
    backend: [],
    outbound: [{ kind: "return-response", headers: [], body: v }],
    onError: [],
  });

  it("a hostile value never changes document structure and comes back exactly where it was put", () => {
    const reference = skeleton(parseXml(renderPolicy(docWith("x"))));
    fc.assert(fc.property(hostileString, (v) => {
      const xml = renderPolicy(docWith(v));
      expect(skeleton(parseXml(xml))).toEqual(reference);
      expect(parsePolicy(xml)).toEqual(docWith(v));
    }), RUNS);
  });

  it("a hostile value stays inside its C# string literal: no named value, no expression boundary, no quote", () => {
    fc.assert(fc.property(hostileString, (v) => {
      const code = renderExpr(x.eq(x.requestHeader(v, v), x.str(v)));
      expect(code).not.toMatch(/\{\{|\(\)|@/);
      // Remove the three literals; what remains is the fixed expression shape.
      expect(code.replace(/"(?:[^"\\]|\\.)*"/g, "S")).toBe("context.Request.Headers.GetValueOrDefault(S, S) == S");
    }), RUNS);
  });

  it("a hostile experiment id changes only the hashed string", () => {
    const ab = routes.ab as RouteSpec;
    const reference = skeleton(parseXml(renderPolicy(composeRoutePolicy(ab, subscriptionEdge, inventory).document)));
    fc.assert(fc.property(hostileString.filter((s) => s.length > 0 && s.length <= 128), (id) => {
      const route: RouteSpec = { ...ab, abTest: { ...(ab.abTest as NonNullable<RouteSpec["abTest"]>), id } };
      const doc = composeRoutePolicy(route, subscriptionEdge, inventory).document;
      const xml = renderPolicy(doc);
      expect(skeleton(parseXml(xml))).toEqual(reference);
      const bucket = statementsOf(parsePolicy(xml).inbound).find((s) => s.kind === "set-variable" && s.name === "aoai-ab-bucket");
      expect(bucket).toEqual({ kind: "set-variable", name: "aoai-ab-bucket", value: x.hashBucket(x.concat(x.str(`${id}:`), x.variable("aoai-caller", "string"))) });
    }), { numRuns: 100 });
  });
});

/** Every statement of a list, depth first (inside choose and retry too). */
function statementsOf(list: Statement[]): Statement[] {
  return list.flatMap((s) => [s, ...(s.kind === "choose" ? [...s.when.flatMap((w) => statementsOf(w.policies)), ...statementsOf(s.otherwise ?? [])] : s.kind === "retry" ? statementsOf(s.policies) : [])]);
}

describe("determinism", () => {
  it("same document → byte-identical XML", () => {
    fc.assert(fc.property(documentArb, (doc) => {
      expect(renderPolicy(structuredClone(doc))).toBe(renderPolicy(doc));
    }), { numRuns: 100 });
  });

  it("same route spec → byte-identical policy and identical pools", () => {
    const arb = fc.record({ canary: fc.integer({ min: 0, max: 100 }), shadow: fc.integer({ min: 0, max: 100 }), sticky: fc.boolean(), a: fc.integer({ min: 0, max: 100 }) });
    fc.assert(fc.property(arb, ({ canary, shadow, sticky, a }) => {
      const route: RouteSpec = {
        ...(routes.combined as RouteSpec),
        canary: { deployment: "chat-next", percent: canary, sticky },
        shadow: { deployment: "chat-eval", percent: shadow },
        abTest: { id: "exp", variants: { a: { deployment: "chat", percent: a }, b: { deployment: "chat-v2", percent: 100 - a } } },
      };
      const one = composeRoutePolicy(route, subscriptionEdge, inventory);
      const two = composeRoutePolicy(structuredClone(route), subscriptionEdge, inventory);
      expect(renderPolicy(two.document)).toBe(renderPolicy(one.document));
      expect(two.pools).toEqual(one.pools);
    }), { numRuns: 50 });
  });
});
