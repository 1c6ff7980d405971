import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";

/** What is needed to apply a config change for real, and what was found. */
export interface ApplyEnvironment {
  /** Absolute path of the `pulumi` executable, undefined when it is not on PATH. */
  pulumiCli: string | undefined;
  /** Where Azure credentials were found (env vars, Azure CLI login), undefined when none. */
  azureCredentials: string | undefined;
}

export function detectApplyEnvironment(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): ApplyEnvironment {
  return { pulumiCli: findOnPath("pulumi", env.PATH ?? ""), azureCredentials: findAzureCredentials(env, home) };
}

function findOnPath(name: string, path: string): string | undefined {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this PATH entry
    }
  }
  return undefined;
}

/**
 * The credential sources the azure-native provider and @azure/identity accept: a service principal
 * or workload identity in ARM_* / AZURE_* variables, managed identity (ARM_USE_MSI), or an Azure CLI
 * login with at least one subscription.
 */
function findAzureCredentials(env: NodeJS.ProcessEnv, home: string): string | undefined {
  if (env.ARM_CLIENT_ID && (env.ARM_CLIENT_SECRET || env.ARM_USE_OIDC === "true" || env.ARM_CLIENT_CERTIFICATE_PATH)) return "ARM_CLIENT_ID service principal";
  if (env.ARM_USE_MSI === "true") return "managed identity (ARM_USE_MSI)";
  if (env.AZURE_CLIENT_ID && (env.AZURE_CLIENT_SECRET || env.AZURE_FEDERATED_TOKEN_FILE || env.AZURE_CLIENT_CERTIFICATE_PATH)) {
    return "AZURE_CLIENT_ID service principal / workload identity";
  }
  const profile = join(env.AZURE_CONFIG_DIR ?? join(home, ".azure"), "azureProfile.json");
  if (existsSync(profile)) {
    try {
      // The Azure CLI writes this file with a UTF-8 byte-order mark.
      const parsed = JSON.parse(readFileSync(profile, "utf8").replace(/^\uFEFF/, "")) as { subscriptions?: unknown[] };
      if ((parsed.subscriptions ?? []).length > 0) return `Azure CLI login (${profile})`;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The sentence printed when a change is written but cannot be applied here. */
export function missingForApply(env: ApplyEnvironment): string | undefined {
  const missing = [
    env.pulumiCli ? undefined : "the pulumi CLI is not on PATH",
    env.azureCredentials ? undefined : "no Azure credentials were found (ARM_*/AZURE_* variables or `az login`)",
  ].filter((m): m is string => m !== undefined);
  return missing.length > 0 ? missing.join(" and ") : undefined;
}
