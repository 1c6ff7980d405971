import { accessSync, closeSync, constants, existsSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { parseGatewayConfig, type GatewayConfig, type GatewayRoute } from "../../stacks/config/gateway";
import { checkGatewayAgainstFleet, type DeploymentFacts, type FleetDeploymentRegions } from "../../stacks/config/gateway-fleet-check";
import { loadCatalog } from "../../core/catalog/catalog";
import { gatewayDeploymentFacts } from "../../core/plan/types";
import { crashPoint } from "../crash";
import { RolloutError } from "../errors";
import { designStack } from "./design";
import { applyConfigEdits, GATEWAY_KEY, parseStackDocument, type ConfigChange, type ConfigEdit } from "./textEdit";

/** Where a stack's config lives: `<dir>/Pulumi.<stack>.yaml`. */
export function stackFilePath(dir: string, stack: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(stack)) {
    throw new RolloutError(`stack name "${stack}" is not valid; use letters, digits, '-', '_' or '.'`, 2);
  }
  return join(dir, `Pulumi.${stack}.yaml`);
}

export function readStackText(file: string): string {
  if (!existsSync(file)) throw new RolloutError(`stack file ${file} not found; pass --dir <folder with Pulumi.<stack>.yaml>`, 2);
  if (statSync(file).isDirectory()) throw new RolloutError(`stack file ${file} is a folder; pass --dir <folder with Pulumi.<stack>.yaml>`, 2);
  return readFileSync(file, "utf8");
}

/**
 * A read-only stack file is a request not to edit it, but the atomic write (temp file + rename)
 * would replace it anyway — for root, and for any user who may write the folder. Checked on the
 * mode bits (root passes every access check) and then with access() for the folder.
 */
export function assertStackFileWritable(file: string): void {
  const mode = statSync(file).mode;
  if ((mode & 0o222) === 0) {
    throw new RolloutError(`${file} is read-only (mode ${(mode & 0o777).toString(8).padStart(4, "0")}); make it writable (chmod u+w) to let rollout edit it, or work on a copy with --dir; nothing was changed`, 2);
  }
  try {
    accessSync(file, constants.W_OK);
    accessSync(dirname(file), constants.W_OK);
  } catch {
    throw new RolloutError(`${file} or its folder is not writable by this user; rollout replaces the file through a temp file in the same folder — fix the permissions or work on a copy with --dir; nothing was changed`, 2);
  }
}

/** The validated gateway config of a stack file's text (zod schema + fleet cross-checks). */
export function validatedGateway(text: string, file: string): GatewayConfig {
  let document;
  try {
    document = parseStackDocument(text);
  } catch (error) {
    // The parse error says where in the file, not which file.
    throw error instanceof RolloutError ? new RolloutError(`${file}: ${error.message}`, error.exitCode) : error;
  }
  const config = (document.toJS() as { config?: Record<string, unknown> } | null)?.config ?? {};
  if (config[GATEWAY_KEY] === undefined) throw new RolloutError(`${file}: ${GATEWAY_KEY} is not set; rollout needs a gateway route`, 2);
  try {
    const gateway = parseGatewayConfig(config[GATEWAY_KEY]);
    checkGatewayAgainstFleet(gateway, fleetDeploymentRegions(config["aoai-fleet:fleet"], file), fleetDeploymentFacts(config["aoai-fleet:fleet"]));
    return gateway;
  } catch (error) {
    if (error instanceof RolloutError) throw error;
    throw new RolloutError(`${file}:\n${error instanceof Error ? error.message : String(error)}`, 2);
  }
}

export function routeOf(gateway: GatewayConfig, route: string, file: string): GatewayRoute {
  const found = gateway.routes[route];
  if (!found) {
    throw new RolloutError(`${GATEWAY_KEY}.routes.${route} does not exist in ${file}; routes: ${Object.keys(gateway.routes).join(", ")}`, 2);
  }
  return found;
}

/**
 * Deployment → regions from the raw `aoai-fleet:fleet` value, only what the gateway cross-check
 * needs (names exist, pool sizes). The fleet's own schema validates the rest when `pulumi up` runs.
 */
function fleetDeploymentRegions(rawFleet: unknown, file: string): FleetDeploymentRegions {
  const fleet = rawFleet as { regions?: Record<string, unknown>; deployments?: Record<string, { regions?: unknown }> } | undefined;
  if (!fleet?.deployments || typeof fleet.deployments !== "object") {
    throw new RolloutError(`${file}: aoai-fleet:fleet.deployments is not set; the gateway's routes must name fleet deployments`, 2);
  }
  const allRegions = Object.keys(fleet.regions ?? {});
  return new Map(
    Object.entries(fleet.deployments).map(([name, spec]) => [
      name,
      Array.isArray(spec?.regions) ? spec.regions.map(String) : allRegions,
    ]),
  );
}

/** SKU and model kind of the raw fleet's deployments: a rollout must not move a route onto a batch deployment or another kind of model. */
function fleetDeploymentFacts(rawFleet: unknown): Map<string, DeploymentFacts> {
  const deployments = (rawFleet as { deployments?: Record<string, { sku?: unknown; model?: unknown }> } | undefined)?.deployments ?? {};
  return gatewayDeploymentFacts(
    Object.entries(deployments).map(([name, spec]) => ({ name, sku: String(spec?.sku ?? ""), model: String(spec?.model ?? "") })),
    loadCatalog(),
  );
}

export interface StackEditResult {
  file: string;
  /** False when every edit was already in place (idempotent re-run): nothing was written. */
  changed: boolean;
  changes: ConfigChange[];
  /** File bytes before the edit, kept so a failed apply can restore them exactly. */
  originalText: string;
  /** File bytes with the edits (equal to `originalText` when nothing changed). */
  text: string;
  gateway: GatewayConfig;
  /** Problems found in the file before the edit (reported, not blocking: a rollback must stay possible). */
  warnings: string[];
}

/**
 * Edit → validate, without writing. Validation: the gateway schema and fleet cross-check always;
 * then the whole design as the stack program computes it (fleet plan, pools, generated policy
 * limits) — which must not break because of the edit. When the file already failed that before
 * the edit, the edit is not blocked (a rollback must stay possible) and the problem is returned
 * as a warning.
 */
export function prepareStackEdits(file: string, edits: readonly ConfigEdit[], originalText: string = readStackText(file)): StackEditResult {
  validatedGateway(originalText, file);
  const { text, changes } = applyConfigEdits(originalText, edits);
  const gateway = validatedGateway(text, file);
  const warnings: string[] = [];
  const before = designProblem(originalText);
  if (before !== undefined) {
    warnings.push(`${file} does not plan cleanly even before this change, so only the gateway schema was checked:\n${before}`);
  } else {
    const after = designProblem(text);
    if (after !== undefined) throw new RolloutError(`${file}: the change would break the stack's plan:\n${after}`, 2);
  }
  return { file, changed: changes.length > 0, changes, originalText, text, gateway, warnings };
}

/** Edit → validate → write atomically. Any failure before the rename leaves the file byte-identical. */
export function commitStackEdits(file: string, edits: readonly ConfigEdit[]): StackEditResult {
  const result = prepareStackEdits(file, edits);
  if (result.changed) writeFileAtomic(file, result.text);
  return result;
}

function designProblem(text: string): string | undefined {
  try {
    designStack(text);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message.replace(/^the stack does not plan:\n/, "") : String(error);
  }
}

/** The temp file `writeFileAtomic` uses for `file` in this process. */
export function tempFileFor(file: string, pid: number = process.pid): string {
  return join(dirname(file), `.${basename(file)}.${pid}.tmp`);
}

/**
 * Temp file in the same folder (same filesystem), fsync, then rename over the target. `label`
 * names the crash-test points around the rename (`<label>-temp-written`, `<label>-renamed`).
 */
export function writeFileAtomic(file: string, text: string, label?: "journal" | "stack" | "state"): void {
  const tmp = tempFileFor(file);
  const mode = existsSync(file) ? statSync(file).mode : 0o644;
  try {
    const fd = openSync(tmp, "w", mode);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (label) crashPoint(`${label}-temp-written`);
    renameSync(tmp, file);
  } catch (error) {
    if (existsSync(tmp)) unlinkSync(tmp);
    throw error;
  }
  if (label) crashPoint(`${label}-renamed`);
}
