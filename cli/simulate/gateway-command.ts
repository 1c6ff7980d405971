// `npm run gateway -- <stack>`: the local gateway until Ctrl-C.
import { readFileSync } from "node:fs";
import { loadBackendsFile, resolveBackends } from "../../simulator/http/backends-file";
import { startGateway, type GatewayServerOptions } from "../../simulator/http/server";
import { ScenarioError } from "../../simulator/scenario/load";
import { UnsupportedPolicyError } from "../../simulator/emulator/errors";
import { loadStackSetup, routedBackends, simulatedDeploymentCount, type GatewayAuth } from "../../simulator/stack";
import { configIssuesOf, formatIssues } from "../../stacks/config/errors";
import { CliError } from "../registry";

export interface GatewayCommandOptions {
  port: string;
  backends?: string;
  config?: string;
  seed: string;
  /** File of accepted subscription keys, one per line. */
  keys?: string;
  /** Accepted subscription keys given on the command line. */
  key?: string[];
}

export async function gatewayCommand(stack: string, options: GatewayCommandOptions): Promise<number> {
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port ${options.port}: expected an integer 0–65535.`, 2);
  const seed = Number(options.seed);
  if (!Number.isInteger(seed)) throw new CliError(`--seed ${options.seed}: expected an integer.`, 2);
  let setup;
  const serverOptions: GatewayServerOptions = { port, seed };
  try {
    setup = loadStackSetup(stack, options.config ? { configFile: options.config } : {});
    if (options.backends) {
      const file = loadBackendsFile(options.backends);
      serverOptions.realBackends = resolveBackends(file, routedBackends(setup), options.backends);
      serverOptions.realBackendHeaders = file.headers;
      // Design again with the real endpoints as the accounts, so every URL in the policy points there.
      setup = loadStackSetup(stack, { ...(options.config ? { configFile: options.config } : {}), accountOrigins: file.backends });
    }
  } catch (error) {
    const issues = configIssuesOf(error);
    if (issues) throw new CliError(formatIssues(issues), 2);
    if (error instanceof ScenarioError || error instanceof UnsupportedPolicyError) throw new CliError(error.message, 2);
    throw error;
  }
  const keys = [...(options.keys ? readKeysFile(options.keys) : []), ...(options.key ?? []).map((k, i) => checkedKey(k, `--key #${i + 1}`))];
  if (keys.length > 0 && setup.auth?.kind !== "subscription-keys") {
    throw new CliError(`--key/--keys: stack ${stack} authenticates callers with Microsoft Entra ID (aoai-fleet:gateway.auth.entra), not subscription keys; call it with the printed local token instead`, 2);
  }
  if (keys.length > 0) serverOptions.subscriptionKeys = keys;
  // Installed before the listener exists and kept until it is closed: a signal that arrives while
  // the "listening" line is still on its way to a launcher, or twice (npm forwards it and a terminal
  // sends it to the whole group), must close the listener, never kill the process around it.
  let stop = (): void => {};
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  let gateway;
  try {
    gateway = await startGateway(setup, serverOptions);
  } catch (error) {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    if (error instanceof UnsupportedPolicyError) throw new CliError(error.message, 2);
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") throw new CliError(`Port ${port} on 127.0.0.1 is in use; pass --port <other> (or 0 for any free port).`, 2);
    throw error;
  }
  const routes = Object.keys(setup.routes);
  const token = gateway.localToken?.();
  const credential = token
    ? `azureADTokenProvider: async () => "<local token>"`
    : `apiKey: "<subscription key>"`;
  process.stdout.write(
    [
      `aoai-fleet gateway for stack ${stack} listening on ${gateway.url}`,
      `  backends: ${options.backends ? `real endpoints from ${options.backends}` : `${simulatedDeploymentCount(setup)} simulated deployments`}`,
      `  routes:   ${routes.join(", ")} (the deployment in the path, or the body's model on v1)`,
      `  dated:    ${gateway.url}/openai/deployments/${routes[0] ?? "chat"}/chat/completions?api-version=2024-10-21`,
      `  v1:       ${gateway.url}/openai/v1/  (chat/completions, embeddings, responses, models)`,
      ...authLines(gateway.subscriptionKeys, keys.length > 0, token, setup.auth),
      `  OpenAI SDK: new AzureOpenAI({ endpoint: "${gateway.url}", ${credential}, apiVersion: "2024-10-21" })`,
      `              new OpenAI({ baseURL: "${gateway.url}/openai/v1/", ${token ? `apiKey: "<local token>"` : `apiKey: "<subscription key>", defaultHeaders: { "api-key": "<subscription key>" }`} })`,
      "Ctrl-C to stop.",
      "",
    ].join("\n"),
  );
  try {
    await stopped;
    await gateway.close();
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
  process.stdout.write(`Stopped. ${gateway.stats.answered} requests answered.\n`);
  return 0;
}

/** What callers need to get in: the generated key, or the local token (key and token lines stand alone, for scripts). */
function authLines(accepted: readonly string[], given: boolean, token: string | undefined, auth: GatewayAuth | undefined): string[] {
  if (token && auth?.kind === "entra") {
    return [
      `  auth:     Microsoft Entra ID (validate-jwt); tokens must be signed by this gateway's local key set. Send "Authorization: Bearer <local token>" (valid 1 h, tenant ${auth.tenantId}, audience ${auth.audience}):`,
      `local token: ${token}`,
    ];
  }
  if (auth?.kind !== "subscription-keys") return ["  auth:     none before the policy (the stack's API requires no subscription key)"];
  if (given) return [`  auth:     subscription key in the "${auth.header}" header (or ?${auth.query}=); ${accepted.length} key(s) accepted from --keys/--key`];
  return [`  auth:     subscription key in the "${auth.header}" header (or ?${auth.query}=); generated for this run (pass --key or --keys to choose):`, `subscription key: ${accepted[0]}`];
}

/** Keys file: one key per line; blank lines and lines starting with # are skipped. */
function readKeysFile(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new CliError(`--keys ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, 2);
  }
  const keys = text
    .split(/\r?\n/)
    .map((line, i) => ({ line: line.trim(), at: `${file}:${i + 1}` }))
    .filter((l) => l.line !== "" && !l.line.startsWith("#"))
    .map((l) => checkedKey(l.line, l.at));
  if (keys.length === 0) throw new CliError(`--keys ${file}: no keys in it (one key per line; # starts a comment)`, 2);
  return keys;
}

/** APIM subscription keys are printable ASCII without spaces, at most 256 characters. */
function checkedKey(key: string, where: string): string {
  if (!/^[\x21-\x7e]{1,256}$/.test(key)) {
    throw new CliError(`${where}: a subscription key must be 1–256 printable ASCII characters without spaces (got ${key.length} characters)`, 2);
  }
  return key;
}
