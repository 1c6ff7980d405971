import { defineCommand } from "../registry";
import { todayOption } from "../today";

defineCommand({
  name: "catalog",
  register(program) {
    const catalog = program.command("catalog").description("Inspect or refresh the Azure OpenAI model catalog (core/catalog/models.json)");
    catalog
      .command("list")
      .description("List models and versions with retirement status; --model shows one model with sources")
      .option("--model <name>", "one model, with the source and as-of date of each fact")
      .option("--today <date>", "YYYY-MM-DD to judge retirement against (default: today)")
      .action(async (options: { model?: string; today?: string }) => {
        const { loadCatalog } = await import("../../core/catalog/catalog.js");
        const { catalogListLines } = await import("../catalog/list-command.js");
        const today = todayOption(options.today);
        catalogListLines(loadCatalog(), { ...(options.model ? { model: options.model } : {}), ...(today ? { today } : {}) }).forEach((l) => process.stdout.write(`${l}\n`));
      });
    catalog
      .command("refresh")
      .description("Read the live ARM Models and Usages APIs (needs Azure credentials and AZURE_SUBSCRIPTION_ID) and rewrite the catalog")
      .option("--regions <list>", "comma-separated regions (default: every region in Pulumi.*.yaml)")
      .option("--recorded <dir>", "replay recorded ARM responses (<location>.models.json, <location>.usages.json) instead of calling Azure")
      .option("--file <path>", "catalog file to rewrite (default: core/catalog/models.json)")
      .action(async (options: { regions?: string; recorded?: string; file?: string }) => {
        const { runCatalogRefresh, regionsFromStacks } = await import("../catalog/refresh-command.js");
        const { createArmSource, recordedSource } = await import("../catalog/arm-source.js");
        const regions = options.regions ? options.regions.split(",").map((r) => r.trim()).filter(Boolean) : regionsFromStacks();
        const source = options.recorded ? recordedSource(options.recorded) : await createArmSource();
        await runCatalogRefresh({ source, regions, ...(options.file ? { file: options.file } : {}) });
      });
  },
});
