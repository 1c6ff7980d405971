// Golden policies: regenerated only with UPDATE=1 (or `npm run golden:policies`), otherwise diffed byte for byte.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkPolicyXml, parsePolicy, renderPolicy } from "../../gateway-policy/index";
import { goldenFiles } from "./support/fixtures";

const dir = join(__dirname, "..", "golden", "policies");
const files = goldenFiles();
const update = process.env.UPDATE === "1" && !process.env.CI;

describe("golden policies", () => {
  it("covers every strategy, the combined route, the API-level document, the shadow relays and the dev, prod and data-zone stacks", () => {
    expect([...files.keys()].filter((f) => f.endsWith(".xml")).sort()).toEqual([
      "ab.xml", "blue-green.xml", "canary-failover.xml", "canary.xml", "combined.shadow-relay.xml", "combined.xml", "gateway-api.shadow-relay.xml", "gateway-api.xml",
      "priority.xml", "shadow.shadow-relay.xml", "shadow.xml", "stack-datazone.shadow-relay.xml", "stack-datazone.xml", "stack-dev.xml", "stack-prod.xml", "weighted.xml",
    ]);
    expect(readdirSync(dir).sort()).toEqual([...files.keys()].sort());
  });

  it.each([...files.keys()])("%s matches the generator byte for byte", (file) => {
    const path = join(dir, file);
    if (update || !existsSync(path)) writeFileSync(path, files.get(file) as string);
    expect(readFileSync(path, "utf8")).toBe(files.get(file));
  });

  it.each([...files.keys()].filter((f) => f.endsWith(".xml")))("%s parses back to a document that renders identically", (file) => {
    const xml = readFileSync(join(dir, file), "utf8");
    expect(renderPolicy(parsePolicy(xml))).toBe(xml);
  });

  it.each([...files.keys()].filter((f) => f.endsWith(".xml")))("%s passes the structural schema", (file) => {
    expect(checkPolicyXml(readFileSync(join(dir, file), "utf8"))).toEqual([]);
  });

  it("are the deployed documents: every one carries the component's member-path rewrite right before set-backend-service", () => {
    for (const [file, xml] of files) {
      if (!file.endsWith(".xml")) continue;
      expect(xml, file).toMatch(/<rewrite-uri template="@\(System\.Text\.RegularExpressions\.Regex\.Replace\(context\.Request\.OriginalUrl\.Path, [^"]+\+ context\.Request\.Url\.QueryString\)" copy-unmatched-params="false"\/>\n\s+<set-backend-service /);
    }
  });

  it("contains no raw expressions, StatusReason matching or casts on variables", () => {
    for (const [file, xml] of files) {
      if (!file.endsWith(".xml")) continue;
      expect(xml, file).not.toContain("StatusReason");
      expect(xml, file).not.toMatch(/\(int\)\s*context/);
      expect(xml, file).not.toContain("@{");
    }
  });
});

describe("expression hygiene in golden policies", () => {
  it("every expression reading StatusCode checks context.Response for null first", () => {
    let checked = 0;
    for (const [file, xml] of files) {
      for (const m of xml.matchAll(/@\((.*?)\)"/g)) {
        const code = (m[1] as string).replaceAll("&amp;", "&").replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", '"');
        const status = code.indexOf("context.Response.StatusCode");
        if (status < 0) continue;
        expect(code.indexOf("context.Response != null"), `${file}: ${code}`).toBeGreaterThanOrEqual(0);
        expect(code.indexOf("context.Response != null"), `${file}: ${code}`).toBeLessThan(status);
        checked += 1;
      }
    }
    // Retry conditions (relays included), the exhaustion records and on-error answers (exhausted pool,
    // token limit vs quota), the Responses capture, and the stacks' waits for an exhausted pool
    // (one per waiting loop: dev's, prod's and the data-zone fixture's two), and the latency
    // measurement after a 2xx and the waiting loops' earliest reopening after a failure (one each per
    // loop: the same four); the group loop of Responses creates on pools that mix names (its retry
    // condition, its "next group" and "wait for the whole pool" steps, its exhaustion record and, in
    // the waiting stacks (prod, data-zone), its earliest reopening after a failure), and the follow-up
    // loop over the names of such a pool on the owner's account (its retry condition). The
    // canary-failover golden adds 10: the canary route's 9, plus that follow-up loop's retry
    // condition, since its stable pool mixes names (chat-ptu, chat, chat-next).
    expect(checked).toBe(129);
  });
});
