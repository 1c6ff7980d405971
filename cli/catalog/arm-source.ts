/**
 * Live ARM source for `catalog refresh`: @azure/identity's DefaultAzureCredential and the
 * Cognitive Services management client. Detects missing credentials up front and says so; it never
 * falls back to anything.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ArmCatalogSource } from "../../core/catalog/arm";
import { CliError } from "../registry";

export const NO_CREDENTIALS_EXIT = 3;

export async function createArmSource(env: NodeJS.ProcessEnv = process.env): Promise<ArmCatalogSource> {
  const subscriptionId = env.AZURE_SUBSCRIPTION_ID;
  if (!subscriptionId) {
    throw new CliError(
      "catalog refresh: AZURE_SUBSCRIPTION_ID is not set, so there is no subscription to read models and quota from. Set it (and sign in with `az login`, or AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET) and run again. The catalog was not changed.",
      NO_CREDENTIALS_EXIT,
    );
  }
  const { DefaultAzureCredential } = await import("@azure/identity");
  const credential = new DefaultAzureCredential();
  try {
    await credential.getToken("https://management.azure.com/.default");
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new CliError(
      `catalog refresh: no Azure credentials found (${reason}). Sign in with \`az login\` or set AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET, then run again. The catalog was not changed.`,
      NO_CREDENTIALS_EXIT,
    );
  }
  const { CognitiveServicesManagementClient } = await import("@azure/arm-cognitiveservices");
  const client = new CognitiveServicesManagementClient(credential, subscriptionId);
  const collect = async <T>(pages: AsyncIterable<T>): Promise<T[]> => {
    const items: T[] = [];
    for await (const item of pages) items.push(item);
    return items;
  };
  return {
    listModels: (location) => collect(client.models.list(location)),
    listUsages: (location) => collect(client.usages.list(location)),
  };
}

/**
 * Recorded responses (ARM JSON, `{ value: [...] }`) from a folder: `<location>.models.json` and
 * `<location>.usages.json`. Lets a refresh be replayed offline from captures.
 */
export function recordedSource(dir: string): ArmCatalogSource {
  const read = (location: string, kind: "models" | "usages"): unknown[] => {
    const file = path.join(dir, `${location}.${kind}.json`);
    if (!fs.existsSync(file)) throw new CliError(`catalog refresh: no recorded ${kind} response for ${location} (${file})`, 2);
    const doc = JSON.parse(fs.readFileSync(file, "utf8")) as { value?: unknown };
    if (!Array.isArray(doc.value)) throw new CliError(`catalog refresh: ${file} is not an ARM list response ({ "value": [...] })`, 2);
    return doc.value;
  };
  return { listModels: async (l) => read(l, "models"), listUsages: async (l) => read(l, "usages") };
}
