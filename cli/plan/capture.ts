/**
 * Captures the resource graph of a program run: a stack transformation (registered before the
 * program runs) sees every resource's type, name, parent, dependsOn and protect option; the mocks
 * see its resolved inputs. URNs are computed the way the Pulumi engine forms them (the full chain
 * of parent types, the Stack root left out), so plan.json matches what `pulumi preview` would show.
 */
import * as pulumi from "@pulumi/pulumi";
import type { CapturedInputs } from "./mocks";

/** One resource in plan.json. */
export interface PlannedResource {
  /** Pulumi type token, e.g. `azure-native:cognitiveservices:Deployment`. */
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /** Parent URN (the Stack for top-level resources; null for the Stack itself). */
  readonly parent: string | null;
  /** URNs named in the resource's `dependsOn` option (explicit ordering only). */
  readonly dependsOn: readonly string[];
  /** Whether `protect` is set. */
  readonly protect: boolean;
  /** Inputs as the engine received them. */
  readonly inputs: Record<string, unknown>;
}

interface Recorded {
  readonly resource: pulumi.Resource;
  readonly type: string;
  readonly name: string;
  readonly parent: pulumi.Resource | undefined;
  readonly dependsOn: unknown;
  readonly protect: boolean;
}

const STACK_TYPE = "pulumi:pulumi:Stack";

export class ResourceCapture {
  private readonly recorded: Recorded[] = [];
  private readonly inputs = new Map<string, CapturedInputs[]>();

  constructor(private readonly project: string, private readonly stack: string) {}

  /** Call inside `runInPulumiStack`, before the program creates any resource. */
  install(): void {
    pulumi.runtime.registerStackTransformation((args) => {
      this.recorded.push({
        resource: args.resource,
        type: args.type,
        name: args.name,
        parent: args.opts.parent,
        dependsOn: args.opts.dependsOn,
        protect: args.opts.protect === true,
      });
      return undefined;
    });
  }

  /** Mocks callback: the inputs the engine received. */
  onInputs = (captured: CapturedInputs): void => {
    const key = `${captured.type}::${captured.name}`;
    this.inputs.set(key, [...(this.inputs.get(key) ?? []), captured]);
  };

  private stackUrn(): string {
    return `urn:pulumi:${this.stack}::${this.project}::${STACK_TYPE}::${this.project}-${this.stack}`;
  }

  /** Waits until every captured resource is registered, then returns them in creation order. */
  async resources(): Promise<PlannedResource[]> {
    await Promise.all(this.recorded.map((r) => resolve(r.resource.urn)));
    const byResource = new Map<pulumi.Resource, Recorded>(this.recorded.map((r) => [r.resource, r]));
    const qualified = new Map<Recorded, string>();
    const qualifiedType = (r: Recorded): string => {
      const known = qualified.get(r);
      if (known) return known;
      const parent = r.parent ? byResource.get(r.parent) : undefined;
      const value = parent ? `${qualifiedType(parent)}$${r.type}` : r.type;
      qualified.set(r, value);
      return value;
    };
    const urnOf = (r: Recorded) => `urn:pulumi:${this.stack}::${this.project}::${qualifiedType(r)}::${r.name}`;
    const urnOfResource = (res: pulumi.Resource): string => {
      const r = byResource.get(res);
      if (!r) throw new Error("offline plan: a dependsOn/parent points at a resource created outside the program");
      return urnOf(r);
    };
    const stackInputs = this.inputs.get(`${STACK_TYPE}::${this.project}-${this.stack}`)?.[0]?.inputs ?? {};
    const out: PlannedResource[] = [
      { type: STACK_TYPE, name: `${this.project}-${this.stack}`, urn: this.stackUrn(), parent: null, dependsOn: [], protect: false, inputs: stackInputs },
    ];
    for (const r of this.recorded) {
      const key = `${r.type}::${r.name}`;
      const matches = this.inputs.get(key) ?? [];
      if (matches.length > 1) {
        throw new Error(`offline plan: two resources share type ${r.type} and name ${r.name}; give them distinct names`);
      }
      const deps = await dependencyList(r.dependsOn);
      out.push({
        type: r.type,
        name: r.name,
        urn: urnOf(r),
        parent: r.parent && byResource.has(r.parent) ? urnOf(byResource.get(r.parent) as Recorded) : this.stackUrn(),
        dependsOn: deps.map(urnOfResource),
        protect: r.protect,
        inputs: matches[0]?.inputs ?? {},
      });
    }
    return out;
  }
}

function resolve<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((res) => output.apply((v) => { res(v); return v; }));
}

async function dependencyList(dependsOn: unknown): Promise<pulumi.Resource[]> {
  if (dependsOn === undefined || dependsOn === null) return [];
  const value = pulumi.Output.isInstance(dependsOn) ? await resolve(dependsOn as pulumi.Output<unknown>) : await dependsOn;
  const list = Array.isArray(value) ? value : [value];
  const resolved = await Promise.all(list.map((d) => (pulumi.Output.isInstance(d) ? resolve(d as pulumi.Output<unknown>) : Promise.resolve(d))));
  return resolved.filter((d): d is pulumi.Resource => pulumi.Resource.isInstance(d));
}
