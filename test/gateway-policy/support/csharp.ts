// Compile-checks policy expressions with Mono's C# compiler against the stubs, and runs expressions with
// the Mono runtime. One compile for a whole batch keeps it fast.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { csharpString, isElement, parseXml, type XmlElement } from "../../../gateway-policy/index";
import { CSHARP_STUBS } from "./csharp-stubs";

export interface FoundExpression {
  /** Where it was found: `<file> policies/inbound/choose[3]/when[0]@condition`. */
  where: string;
  /** Expression source inside `@( )` / `@{ }` after named-value substitution. */
  code: string;
  block: boolean;
  /** The C# type the attribute requires (conditions are bool). */
  type: "bool" | "object";
}

const works = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  return r.status === 0;
};

/** Why the C# checks cannot run here, or null when mcs and mono are available. */
export function monoUnavailableReason(): string | null {
  if (!works("mcs", ["--version"])) return "mcs (Debian package mono-mcs) is not installed";
  if (!works("mono", ["--version"])) return "mono (Debian package mono-runtime) is not installed";
  return null;
}

/** Sample values for the named values our policies reference; substitution is textual, as in APIM. */
export function substituteNamedValues(text: string): string {
  return text.replace(/\{\{([A-Za-z0-9._-]+)\}\}/g, (_, name: string) => (name.endsWith("-active-slot") ? "green" : name.endsWith("-canary-percent") ? "10" : "sample"));
}

/** Every policy expression in a document, with its location. */
export function collectExpressions(xml: string, source: string): FoundExpression[] {
  const out: FoundExpression[] = [];
  const visit = (e: XmlElement, path: string) => {
    const take = (text: string, where: string, type: FoundExpression["type"]) => {
      const t = substituteNamedValues(text);
      if (t.startsWith("@(") && t.endsWith(")")) out.push({ where, code: t.slice(2, -1), block: false, type });
      else if (t.startsWith("@{") && t.endsWith("}")) out.push({ where, code: t.slice(2, -1), block: true, type });
    };
    for (const [name, value] of e.attributes) take(value, `${source} ${path}@${name}`, name === "condition" ? "bool" : "object");
    const text = e.children.filter((c) => !isElement(c)).map((c) => (c as { text: string }).text).join("").trim();
    if (text) take(text, `${source} ${path}#text`, "object");
    e.children.filter(isElement).forEach((c, i) => visit(c, `${path}/${c.name}[${i}]`));
  };
  visit(parseXml(xml), "policies");
  return out;
}

function methodFor(e: FoundExpression, index: number): string {
  const body = e.block ? `{\n${e.code}\n}` : `{\nreturn ${e.code};\n}`;
  return `  public static ${e.type} E${index}(IContext context)\n  ${body}\n`;
}

function workDir(): string {
  return mkdtempSync(join(tmpdir(), "aoai-csharp-"));
}

function compile(source: string, dir: string, target: "library" | "exe"): { ok: boolean; output: string; assembly: string } {
  const file = join(dir, "policy.cs");
  const assembly = join(dir, target === "exe" ? "policy.exe" : "policy.dll");
  writeFileSync(file, source);
  const r = spawnSync("mcs", ["-nologo", "-langversion:7", `-target:${target}`, "-r:System.dll", "-r:System.Core.dll", `-out:${assembly}`, file], { encoding: "utf8" });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}`, assembly };
}

/** Compile all expressions in one go; returns one message per failing expression (empty = all compile). */
export function compileExpressions(expressions: FoundExpression[]): string[] {
  const header = `${CSHARP_STUBS}\nnamespace Apim {\npublic static class Expressions {\n`;
  let source = header;
  const ranges: Array<{ from: number; to: number; e: FoundExpression }> = [];
  expressions.forEach((e, i) => {
    const from = source.split("\n").length;
    source += methodFor(e, i);
    ranges.push({ from, to: source.split("\n").length, e });
  });
  source += "}\n}\n";
  const r = compile(source, workDir(), "library");
  if (r.ok) return [];
  const errors = r.output.split("\n").filter((l) => /error CS\d+/.test(l));
  return errors.map((line) => {
    const lineNo = Number(/\((\d+),\d+\)/.exec(line)?.[1] ?? 0);
    const hit = ranges.find((x) => lineNo >= x.from && lineNo < x.to);
    return hit ? `${hit.e.where}: ${line.replace(/^.*error /, "error ")}\n    ${hit.e.code}` : line;
  });
}

/**
 * Run the policy's own caller and bucket expressions under Mono for each subscription id and return
 * the buckets: context.Subscription.Id = id → caller expression → Variables[callerVar] → bucket expression.
 */
export function runBucketExpressions(callerCode: string, callerVar: string, bucketCode: string, ids: string[]): number[] {
  const dir = workDir();
  const idsFile = join(dir, "ids.txt");
  writeFileSync(idsFile, ids.map((id) => Buffer.from(id, "utf8").toString("base64")).join("\n"));
  const program = `${CSHARP_STUBS}
namespace Apim {
public static class Program {
  static object Caller(IContext context) { return ${callerCode}; }
  static object Bucket(IContext context) { return ${bucketCode}; }
  public static void Main(string[] args) {
    var output = new System.Text.StringBuilder();
    foreach (var line in System.IO.File.ReadAllLines(args[0])) {
      var id = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(line));
      var context = new Context { Subscription = new Subscription { Id = id } };
      context.VariableStore[${JSON.stringify(callerVar)}] = Caller(context);
      output.Append(Bucket(context)).Append('\\n');
    }
    Console.Write(output.ToString());
  }
}
}
`;
  const r = compile(program, dir, "exe");
  if (!r.ok) throw new Error(`bucket program does not compile:\n${r.output}`);
  const run = spawnSync("mono", [r.assembly, idsFile], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`mono failed: ${run.stderr}`);
  return run.stdout.trim().split("\n").map(Number);
}

/** A policy variable as the gateway holds it: its C# type and value. */
export type TypedVariable = { type: "string"; value: string } | { type: "int" | "long"; value: number };

/**
 * Run each expression under Mono with its policy variables set (context.Variables) and return what
 * each evaluates to, as C# prints it (`ToString()`).
 */
export function runExpressions(cases: ReadonlyArray<{ code: string; variables: Readonly<Record<string, TypedVariable>> }>): string[] {
  const dir = workDir();
  const literal = (v: TypedVariable): string => (v.type === "string" ? csharpString(v.value) : v.type === "long" ? `(long)${v.value}` : `(int)${v.value}`);
  const program = `${CSHARP_STUBS}
namespace Apim {
public static class Program {
${cases.map((c, i) => `  static object E${i}(IContext context) { return ${c.code}; }`).join("\n")}
  public static void Main(string[] args) {
${cases
  .map((c, i) => {
    const sets = Object.entries(c.variables).map(([name, v]) => `context${i}.VariableStore[${csharpString(name)}] = ${literal(v)};`);
    return `    var context${i} = new Context();\n    ${sets.join("\n    ")}\n    Console.WriteLine(E${i}(context${i}));`;
  })
  .join("\n")}
  }
}
}
`;
  const r = compile(program, dir, "exe");
  if (!r.ok) throw new Error(`expression program does not compile:\n${r.output}`);
  const run = spawnSync("mono", [r.assembly], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`mono failed: ${run.stderr}`);
  return run.stdout.trimEnd().split("\n");
}
