/**
 * The API operations the gateway component creates: the policy engine's operation list (the
 * policy dispatches on these ids), re-exported for the component and the plan. Pure data.
 */
export { API_VERSION_PARAMETER, INFERENCE_OPERATIONS, operationIds, type InferenceOperation, type OperationSurface } from "../../gateway-policy/operations";
