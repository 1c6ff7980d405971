import { describe, expect, it } from "vitest";
import { aoaiDeploymentEnforceUpgradeOption as rule } from "../../../policies/rules/aoai-deployment-enforce-upgrade-option";
import { deployment, messagesOf, withInput } from "../support/resources";

describe("aoai-deployment-enforce-upgrade-option", () => {
  it("passes NoAutoUpgrade with the default (production) allow-list", () => {
    expect(messagesOf(rule, [deployment()])).toEqual([]);
  });

  it("reports an unset versionUpgradeOption", () => {
    expect(messagesOf(rule, [withInput(deployment(), "properties.versionUpgradeOption", undefined)])).toEqual([
      'Deployment "chat" does not set properties.versionUpgradeOption, leaving Azure\'s implicit upgrade behaviour in charge; set it to NoAutoUpgrade or OnceCurrentVersionExpired.',
    ]);
  });

  it("reports an auto-upgrade option the default allow-list forbids", () => {
    const r = withInput(deployment(), "properties.versionUpgradeOption", "OnceNewDefaultVersionAvailable");
    expect(messagesOf(rule, [r])).toEqual([
      'Deployment "chat" sets properties.versionUpgradeOption to "OnceNewDefaultVersionAvailable", which this environment does not allow; use NoAutoUpgrade or OnceCurrentVersionExpired.',
    ]);
  });

  it("accepts it where the environment's allow-list includes it", () => {
    const r = withInput(deployment(), "properties.versionUpgradeOption", "OnceNewDefaultVersionAvailable");
    expect(messagesOf(rule, [r], { allowed: ["OnceNewDefaultVersionAvailable", "OnceCurrentVersionExpired", "NoAutoUpgrade"] })).toEqual([]);
  });

  it("rejects an allow-list value Azure does not know", () => {
    expect(() => messagesOf(rule, [deployment()], { allowed: ["Sometimes"] })).toThrow(/aoai-deployment-enforce-upgrade-option\.allowed\.0: Invalid option/);
  });
});
