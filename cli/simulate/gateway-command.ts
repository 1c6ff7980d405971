// `npm run gateway -- <stack>`: the local gateway until Ctrl-C.
import { loadBackendsFile, resolveBackends } from "../../simulator/http/backends-file";
import { startGateway, type GatewayServerOptions } from "../../simulator/http/server";
import { ScenarioError } from "../../simulator/scenario/load";
import { UnsupportedPolicyError } from "../../simulator/emulator/errors";
import { loadStackSetup, routedBackends } from "../../simulator/stack";
import { configIssuesOf, formatIssues } from "../../stacks/config/errors";
import { CliError } from "../registry";

export async function gatewayCommand(stack: string, options: { port: string; backends?: string; config?: string; seed: string }): Promise<number> {
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
  process.stdout.write(
    [
      `aoai-fleet gateway for stack ${stack} listening on ${gateway.url}`,
      `  backends: ${options.backends ? `real endpoints from ${options.backends}` : `${setup.backends.filter((b) => b.family !== "account").length} simulated deployments`}`,
      `  routes:   ${routes.join(", ")} (the deployment in the path, or the body's model on v1)`,
      `  dated:    ${gateway.url}/openai/deployments/${routes[0] ?? "chat"}/chat/completions?api-version=2024-10-21`,
      `  v1:       ${gateway.url}/openai/v1/  (chat/completions, embeddings, responses, models)`,
      `  OpenAI SDK: new AzureOpenAI({ endpoint: "${gateway.url}", apiKey: "<any>", apiVersion: "2024-10-21" })`,
      `              new OpenAI({ baseURL: "${gateway.url}/openai/v1/", apiKey: "<any>", defaultHeaders: { "api-key": "<any>" } })`,
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
