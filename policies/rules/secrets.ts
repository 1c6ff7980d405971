// Recognizers for credentials that must never sit in plain text in gateway configuration.

export interface SecretPattern {
  /** What the match looks like, for the message ("an Azure AI services key"). */
  label: string;
  pattern: RegExp;
}

/**
 * Azure AI services keys (Azure OpenAI, AI Foundry and the other Cognitive Services kinds), both formats:
 * the older 32 hexadecimal characters, and the 84-character keys Azure has issued since 2024–2025
 * (a "legacy common annotated security key"). Every check for such keys uses these two, nowhere a copy.
 *
 * The 84-character layout (base62 alphabet A–Z a–z 0–9 throughout), from Microsoft's own secret scanner,
 * microsoft/security-utilities (LegacyCommonAnnotatedSecurityKey.cs for the offsets,
 * PreciselyClassifiedSecurityKeys/LegacyCommonAnnotatedSecurityAccessKey.cs for the access-key regex,
 * CognitiveServiceLegacyCommonAnnotatedSecurityKey.cs and LegacyCaskProviderSignatures.cs for the
 * Cognitive Services parts; https://github.com/microsoft/security-utilities, commit 638ad20e):
 *   0–51 random · 52–57 "JQQJ99" (standard signature, '9' = access key) · 58–59 creation year and month
 *   (month 'A'–'L') · 60–71 platform data · 72–75 "AAA" + the service (B = Azure OpenAI, A = AI services)
 *   · 76–79 "ACOG" (the Cognitive Services provider signature) · 80–83 checksum.
 * Matching on both fixed signatures at their offsets keeps ordinary 84-character identifiers, hashes and
 * base64 blobs out; the checksum (Marvin32) is not verified. The service character is left open so that
 * keys of AI services accounts (which also serve Azure OpenAI) count too. Seen in the wild:
 * https://github.com/microsoft/vscode-copilot-vision/issues/91 (a masked Azure AI Studio key with
 * JQQJ99 at offset 52); https://github.com/Azure/azure-sdk-for-python/pull/39363 (keys "can now be longer
 * than 32 chars").
 */
const azureAiServicesKeyPatterns: readonly SecretPattern[] = [
  { label: "an Azure AI services key (32 hex characters)", pattern: /\b[0-9a-fA-F]{32}\b/ },
  {
    label: "an Azure AI services key (84-character format)",
    // Bounded by any non-base62 character rather than \b, so a key written after '_' (name_<key>) still
    // matches; a longer base62 run, which is no key, does not.
    pattern: /(?<![A-Za-z0-9])[A-Za-z0-9]{52}JQQJ99[A-Za-z0-9][A-L][A-Za-z0-9]{12}AAA[A-Za-z0-9]ACOG[A-Za-z0-9]{4}(?![A-Za-z0-9])/,
  },
];

export const secretPatterns: readonly SecretPattern[] = [
  ...azureAiServicesKeyPatterns,
  { label: "a storage account key", pattern: /AccountKey=[^;\s]+/i },
  { label: "a shared access signature", pattern: /(?:^|[?&;\s])sig=[A-Za-z0-9%+/=]{16,}/ },
  { label: "a JSON web token", pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/ },
  { label: "a private key", pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { label: "a bearer token", pattern: /\bBearer\s+[A-Za-z0-9._~+/-]{20,}=*/ },
];

/** Labels of every pattern (built-in plus extra regex sources) that matches the text. */
export function secretKinds(text: string, extraPatterns: readonly string[]): string[] {
  const extra = extraPatterns.map((source) => ({ label: `a value matching /${source}/`, pattern: new RegExp(source) }));
  return [...secretPatterns, ...extra].filter((p) => p.pattern.test(text)).map((p) => p.label);
}

/** One `{{name}}` named-value reference, as APIM writes it. */
const NAMED_VALUE_REFERENCE = "\\{\\{[A-Za-z0-9._-]+\\}\\}";
const WHOLE_REFERENCE = new RegExp(`^${NAMED_VALUE_REFERENCE}$`);
const ANY_REFERENCE = new RegExp(NAMED_VALUE_REFERENCE, "g");

/** A named-value reference (`{{name}}`): the value is stored elsewhere, nothing to scan. */
export function isNamedValueReference(value: string): boolean {
  return WHOLE_REFERENCE.test(value.trim());
}

/**
 * The text with every `{{name}}` reference taken out, and whether there was one: a reference may sit
 * inside a longer value (`{{user}}:{{password}}`), and only what is left around it is written in plain text.
 */
export function literalPart(value: string): { text: string; hasReference: boolean } {
  const text = value.replace(ANY_REFERENCE, "");
  return { text, hasReference: text !== value };
}

/**
 * A named-value reference or a policy expression that computes the value is not a literal secret.
 * An expression that is only a string literal (`@("…")`) is the literal written another way.
 */
export function isReference(value: string): boolean {
  const trimmed = value.trim();
  if (isNamedValueReference(trimmed)) return true;
  // Named values are substituted before expressions run, so @("{{name}}") is still a reference.
  const literal = /^@\(\s*@?"((?:[^"\\]|\\.|"")*)"\s*\)$/.exec(trimmed);
  if (literal) return isNamedValueReference(literal[1] ?? "");
  return trimmed.startsWith("@(") || trimmed.startsWith("@{");
}
