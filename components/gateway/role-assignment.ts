import * as pulumi from "@pulumi/pulumi";
import { roleAssignmentName } from "./identity";

/** The identifying inputs of a RoleAssignment, its name computed from the resolved values. */
export interface RoleAssignmentIdentity {
  readonly scope: pulumi.Output<string>;
  readonly principalId: pulumi.Output<string>;
  readonly roleDefinitionId: pulumi.Output<string>;
  readonly roleAssignmentName: pulumi.Output<string>;
}

/**
 * Scope, principal, role definition and the deterministic assignment name derived from all three
 * (`roleAssignmentName` in identity.ts). The name is an Output: while the principal is unknown
 * (a new APIM service during preview) it is unknown too, and a new principal means a new name.
 */
export function roleAssignmentIdentity(scope: pulumi.Input<string>, principalId: pulumi.Input<string>, roleDefinitionIdInput: pulumi.Input<string>): RoleAssignmentIdentity {
  const scopeOutput = pulumi.output(scope);
  const principalOutput = pulumi.output(principalId);
  const roleDefinitionId = pulumi.output(roleDefinitionIdInput);
  return {
    scope: scopeOutput,
    principalId: principalOutput,
    roleDefinitionId,
    roleAssignmentName: pulumi.all([scopeOutput, principalOutput, roleDefinitionId]).apply(([s, p, r]) => roleAssignmentName(s, p, r)),
  };
}
