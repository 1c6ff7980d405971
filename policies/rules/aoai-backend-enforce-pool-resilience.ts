import { z } from "zod";
import { backendIdOf, backendLookup, policyDocuments } from "./gateway-links";
import { arrayAt, inputAt, stringAt, types } from "./inputs";
import { allElements, parsePolicyXml } from "./policy-xml";
import { defineStackRule, type Finding, type PlannedResource } from "./types";
import { isType } from "./resource-kinds";

/** The API Management service a backend belongs to (by serviceName, or the only one in the stack). */
function serviceOf(backend: PlannedResource, services: readonly PlannedResource[]): PlannedResource | undefined {
  const name = stringAt(backend, "serviceName");
  return services.find((s) => name !== undefined && stringAt(s, "serviceName") === name) ?? (services.length === 1 ? services[0] : undefined);
}

/** What the rule needs from one well-formed policy document, read once for every pool. */
interface PolicyFacts {
  readonly doc: PlannedResource;
  /** backend-id attributes of its set-backend-service elements, lower case. */
  readonly backendIds: ReadonlySet<string>;
  /** Every element text and attribute value, lower case (a pool named where an expression reads it). */
  readonly mentions: ReadonlySet<string>;
  /** Whether some retry holds a forward-request. */
  readonly retried: boolean;
}

function policyFacts(resources: readonly PlannedResource[]): PolicyFacts[] {
  return policyDocuments(resources).flatMap((doc) => {
    const xml = stringAt(doc, "value");
    const parsed = xml === undefined ? undefined : parsePolicyXml(xml);
    if (parsed === undefined || "error" in parsed) return []; // aoai-gateway-disallow-plaintext-secret reports bad XML
    const elements = allElements(parsed.root);
    const mentions = new Set<string>();
    for (const e of elements) {
      mentions.add(e.text.toLowerCase());
      for (const v of Object.values(e.attributes)) mentions.add(v.toLowerCase());
    }
    return [
      {
        doc,
        backendIds: new Set(elements.filter((e) => e.name === "set-backend-service").map((e) => (e.attributes["backend-id"] ?? "").toLowerCase())),
        mentions,
        retried: elements.some((e) => e.name === "retry" && allElements(e.children).some((c) => c.name === "forward-request")),
      },
    ];
  });
}

/**
 * A gateway route that spreads traffic over more than one backend must fail over: every pool member
 * needs a circuit breaker (APIM only skips a member whose breaker has tripped) and every policy
 * that sends to the pool needs a retry around forward-request (otherwise the caller gets the 429).
 * @severity high
 */
export const aoaiBackendEnforcePoolResilience = defineStackRule({
  name: "aoai-backend-enforce-pool-resilience",
  description: "APIM backend pools with more than one member must have a circuit breaker on every member and a retry in every policy that uses them.",
  severity: "high",
  enforcementLevel: "mandatory",
  options: z
    .object({
      requireCircuitBreaker: z.boolean().default(true).describe("Require a circuit-breaker rule on every pool member."),
      requireRetry: z.boolean().default(true).describe("Require a retry around forward-request in policies that use the pool."),
    })
    .strict(),
  validate(resources, options) {
    const findings: Finding[] = [];
    const pools = resources.filter((r) => isType(r, types.backend) && arrayAt(r, "pool", "services").length > 1);
    if (pools.length === 0) return findings;
    const services = resources.filter((r) => isType(r, types.apimService));
    const backendById = backendLookup(resources);
    const documents = options.requireRetry ? policyFacts(resources) : [];
    // A backend in several pools (a route's stable pool and its twins) is reported once, naming them all.
    const memberPools = new Map<PlannedResource, string[]>();
    for (const pool of pools) {
      const members = arrayAt(pool, "pool", "services").map((s) =>
        typeof s === "object" && s !== null ? (s as Record<string, unknown>).id : undefined,
      );
      const size = `${members.length} backends`;
      const service = serviceOf(pool, services);
      if (service !== undefined && stringAt(service, "sku", "name") === "Consumption") {
        findings.push({ resource: pool, message: `Backend pool "${pool.name}" routes to ${size} on the Consumption-tier API Management service "${service.name}", which supports no circuit breakers, so the pool cannot fail over; use a tier with circuit breakers (for example Developer, Basic v2, Standard v2 or Premium) or route to one backend.` });
      } else if (options.requireCircuitBreaker) {
        // Only ARM backend ids can be resolved: ids still unknown during a preview (absent) or
        // placeholders are skipped here and checked on the next preview once the backends exist.
        for (const id of members.filter((m): m is string => typeof m === "string" && /\/backends\/[^/]+$/i.test(m))) {
          const member = backendById(id);
          if (member === undefined) {
            findings.push({ resource: pool, message: `Backend pool "${pool.name}" routes to ${size} but member "${id}" is not a backend in this stack, so its circuit breaker cannot be checked; manage that backend in this stack or remove it from the pool.` });
            continue;
          }
          memberPools.set(member, [...(memberPools.get(member) ?? []), `"${pool.name}" (${size})`]);
        }
      }
      if (!options.requireRetry) continue;
      const poolId = backendIdOf(pool).toLowerCase();
      for (const { doc, backendIds, mentions, retried } of documents) {
        // A backend chosen by expression (backend-id="@(...)") counts as using the pool when the
        // document names the pool elsewhere, e.g. in the set-variable the expression reads.
        const usesPool = backendIds.has(poolId) || ([...backendIds].some((id) => id.startsWith("@")) && mentions.has(poolId));
        if (!usesPool) continue;
        if (!retried) {
          findings.push({ resource: doc, message: `Policy document "${doc.name}" sends requests to backend pool "${pool.name}" (${size}) without a retry around forward-request, so a throttled member's 429 reaches the caller; wrap forward-request in <retry> (with buffer-request-body="true").` });
        }
      }
    }
    findings.push(...breakerFindings(memberPools));
    return findings;
  },
});

/** One finding per pool member whose circuit breaker is missing or split into several rules, with every pool it is in. */
function breakerFindings(memberPools: ReadonlyMap<PlannedResource, readonly string[]>): Finding[] {
  return [...memberPools].flatMap(([member, inPools]): Finding[] => {
    const rules = inputAt(member, "circuitBreaker", "rules");
    const where = inPools.length === 1 ? `pool ${inPools[0]}` : `${inPools.length} pools: ${inPools.join(", ")}`;
    if (!Array.isArray(rules) || rules.length === 0) {
      const away = inPools.length === 1 ? "the pool never fails over away from it" : "none of them fails over away from it";
      return [{ resource: member, message: `Backend "${member.name}" is a member of ${where} but has no circuit breaker, so ${away}; add a circuitBreaker rule (for example 429 and 5xx with acceptRetryAfter: true).` }];
    }
    if (rules.length > 1) return [{ resource: member, message: `Backend "${member.name}" has ${rules.length} circuit-breaker rules, but API Management accepts one rule per backend; merge their status code ranges into one rule.` }];
    return [];
  });
}
