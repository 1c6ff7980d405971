/**
 * The `aoai-fleet:fleet` stack config contract (zod). Keys here are a contract with users' stacks and
 * later issues: extend, never break. Pure: no Pulumi imports.
 */
import { z } from "zod";
import { MAX_TAG_NAME_LENGTH, MAX_TAG_VALUE_LENGTH, tagProblems } from "./naming";
import { NetworkConfigSchema } from "./network";

/** Deployment SKU names exactly as ARM spells them (`sku.name` of a deployment). */
export const DEPLOYMENT_SKUS = [
  "Standard",
  "ProvisionedManaged",
  "GlobalStandard",
  "GlobalProvisionedManaged",
  "DataZoneStandard",
  "DataZoneProvisionedManaged",
  "GlobalBatch",
  "DataZoneBatch",
] as const;
export type DeploymentSku = (typeof DEPLOYMENT_SKUS)[number];

/** `properties.versionUpgradeOption` values. */
export const UPGRADE_OPTIONS = ["NoAutoUpgrade", "OnceCurrentVersionExpired", "OnceNewDefaultVersionAvailable"] as const;
export type UpgradeOption = (typeof UPGRADE_OPTIONS)[number];

export const ACCOUNT_KINDS = ["OpenAI", "AIServices"] as const;
export const NETWORK_ACCESS = ["Enabled", "Disabled"] as const;

/** Azure region names as ARM spells them: lowercase letters and digits (`eastus2`, `swedencentral`). */
export const RegionName = z.string().regex(/^[a-z][a-z0-9]{2,30}$/, {
  error: "must be an Azure region name in lowercase letters and digits, e.g. eastus2 or swedencentral",
});

/** Deployment names: the same name in every region, so the gateway can route by it. */
export const DeploymentName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, {
  error: "must be 1-64 letters, digits, '-', '_' or '.', starting with a letter or digit",
});

/** Quota keys: `model/sku` (capacity units of that model and SKU), or a provisioned SKU alone (its PTU pool). */
const QUOTA_KEY = new RegExp(`^(?:[A-Za-z0-9][A-Za-z0-9._-]*/(?:${DEPLOYMENT_SKUS.join("|")})|(?:ProvisionedManaged|GlobalProvisionedManaged|DataZoneProvisionedManaged))$`);
export const QuotaKey = z.string().regex(QUOTA_KEY, {
  error: `must be "<model>/<sku>" (e.g. "gpt-4o/GlobalStandard") or a provisioned SKU pool name (ProvisionedManaged, GlobalProvisionedManaged, DataZoneProvisionedManaged)`,
});

const PositiveUnits = z.number().int({ error: "must be a whole number of units" }).positive({ error: "must be at least 1 unit" });

export const RegionSchema = z
  .object({
    /** Capacity units available in this region, keyed `model/sku` (or a PTU pool name). */
    quota: z.record(QuotaKey, z.number().int().nonnegative()).optional(),
  })
  .strict();

export const CapacitySchema = z.union(
  [PositiveUnits, z.object({ total: PositiveUnits }).strict(), z.record(RegionName, PositiveUnits)],
  {
    error:
      "must be a positive whole number of units per region (e.g. 100), a map of region to units (e.g. { eastus2: 100 }), or { total: N } to spread N units over the deployment's regions",
  },
);

export const DeploymentSchema = z
  .object({
    /** Model name as the catalog and ARM spell it, e.g. gpt-4o. */
    model: z.string().min(1),
    /** Exact model version; never "latest" or empty. */
    version: z
      .string()
      .min(1, { error: "must be an exact model version, not empty" })
      .refine((v) => v.trim().toLowerCase() !== "latest", {
        error: 'is not allowed: pin an exact model version so deployments never change underneath you',
      }),
    /** Model format; OpenAI unless the catalog says otherwise (e.g. OpenAI-OSS). */
    format: z.string().min(1).default("OpenAI"),
    sku: z.enum(DEPLOYMENT_SKUS),
    capacity: CapacitySchema,
    upgrade: z.enum(UPGRADE_OPTIONS),
    /** Regions of this deployment; default every fleet region. */
    regions: z.array(RegionName).min(1).optional(),
    raiPolicy: z.string().min(1).max(256).optional(),
    /** Standard deployment (same account) that takes this provisioned deployment's overflow. */
    spillover: DeploymentName.optional(),
  })
  .strict();

export const FleetConfigSchema = z
  .object({
    /** Prefix for resource names. */
    name: z.string().regex(/^[a-z][a-z0-9-]{1,23}$/, {
      error: "must be 2-24 lowercase letters, digits or '-', starting with a letter (it prefixes every resource name)",
    }),
    /** Existing resource group to deploy into; created (`rg-<name>`) when absent. */
    resourceGroup: z.string().regex(/^[-\w._()]{1,90}$/, { error: "must be a resource group name (1-90 letters, digits, '-', '_', '.', '(' or ')')" }).optional(),
    /** Protect the resource group, accounts and deployments from deletion. */
    protect: z.boolean().default(false),
    /** Tags on every resource; ARM's tag rules are checked (stacks/config/naming.ts). */
    tags: z
      .record(z.string().min(1).max(MAX_TAG_NAME_LENGTH), z.string().max(MAX_TAG_VALUE_LENGTH))
      .superRefine((tags, ctx) => {
        for (const [name, message] of tagProblems(tags, `${FLEET_CONFIG_KEY}.tags`)) ctx.addIssue({ code: "custom", path: name === undefined ? [] : [name], message, params: { standalone: true } });
      })
      .default({}),
    /** Account kind: OpenAI (default) or AIServices. */
    kind: z.enum(ACCOUNT_KINDS).default("OpenAI"),
    /** Public network access of every account. */
    publicNetworkAccess: z.enum(NETWORK_ACCESS).default("Enabled"),
    /** Extension (issue 13): VNets, subnets, private endpoints and DNS zones; see network.ts. */
    network: NetworkConfigSchema.optional(),
    /** Keep key (local) auth disabled; Entra ID only. */
    disableLocalAuth: z.boolean().default(true),
    /** Warn when a pinned version retires within this many days. */
    retirementWarningDays: z.number().int().nonnegative().max(3650).default(90),
    regions: z.record(RegionName, RegionSchema).refine((r) => Object.keys(r).length > 0, { error: "must list at least one region" }),
    deployments: z
      .record(DeploymentName, DeploymentSchema)
      .refine((d) => Object.keys(d).length > 0, { error: "must declare at least one deployment" }),
  })
  .strict();

/** The config as written in YAML (defaults not yet applied). */
export type FleetConfigInput = z.input<typeof FleetConfigSchema>;
/** The config after schema validation and defaults. */
export type FleetConfig = z.output<typeof FleetConfigSchema>;
export type FleetDeploymentConfig = z.output<typeof DeploymentSchema>;
export type CapacityConfig = z.output<typeof CapacitySchema>;

/** The full config key users write in `Pulumi.<stack>.yaml`. */
export const FLEET_CONFIG_KEY = "aoai-fleet:fleet";
