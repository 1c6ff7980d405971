import { describe, expect, it } from "vitest";
import { aoaiDeploymentDisallowRetiringVersion as rule } from "../../../policies/rules/aoai-deployment-disallow-retiring-version";
import { deployment, messagesOf, testContext, withInput } from "../support/resources";

const retiringSoon = () => withInput(deployment(), "properties.model.version", "2024-08-06"); // retires 2027-01-15

describe("aoai-deployment-disallow-retiring-version", () => {
  it("passes a version retiring after the window", () => {
    expect(messagesOf(rule, [deployment()])).toEqual([]); // 2027-04-14 is 142 days away
  });

  it("flags a version retiring within the default 90 days", () => {
    expect(messagesOf(rule, [retiringSoon()])).toEqual([
      'Deployment "chat" uses gpt-4o version 2024-08-06 (DataZoneStandard), which retires on 2027-01-15 (in 53 days, within the 90-day window); move to a newer version before then.',
    ]);
  });

  it("honours a shorter window from options", () => {
    expect(messagesOf(rule, [retiringSoon()], { withinDays: 30 })).toEqual([]);
  });

  it("widens the window to catch later retirements", () => {
    expect(messagesOf(rule, [deployment()], { withinDays: 180 })).toEqual([
      'Deployment "chat" uses gpt-4o version 2024-11-20 (DataZoneStandard), which retires on 2027-04-14 (in 142 days, within the 180-day window); move to a newer version before then.',
    ]);
  });

  it("counts the last day as 1 day", () => {
    const ctx = { ...testContext, now: new Date("2027-01-14T08:00:00Z") };
    expect(messagesOf(rule, [retiringSoon()], undefined, ctx)).toEqual([
      'Deployment "chat" uses gpt-4o version 2024-08-06 (DataZoneStandard), which retires on 2027-01-15 (in 1 day, within the 90-day window); move to a newer version before then.',
    ]);
  });

  it("leaves already-retired and uncatalogued versions to the retired-version rule", () => {
    expect(messagesOf(rule, [withInput(deployment(), "properties.model.version", "2024-05-13")])).toEqual([]);
    expect(messagesOf(rule, [withInput(deployment(), "properties.model.version", "2099-01-01")])).toEqual([]);
  });

  it("rejects a window of 0 days", () => {
    expect(() => messagesOf(rule, [deployment()], { withinDays: 0 })).toThrow(/aoai-deployment-disallow-retiring-version\.withinDays: Too small/);
  });
});
