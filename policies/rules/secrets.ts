// Recognizers for credentials that must never sit in plain text in gateway configuration.

export interface SecretPattern {
  /** What the match looks like, for the message ("an Azure AI services key"). */
  label: string;
  pattern: RegExp;
}

export const secretPatterns: readonly SecretPattern[] = [
  { label: "an Azure AI services key (32 hex characters)", pattern: /\b[0-9a-fA-F]{32}\b/ },
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

/** A named-value reference (`{{name}}`): the value is stored elsewhere, nothing to scan. */
export function isNamedValueReference(value: string): boolean {
  return /^\{\{[A-Za-z0-9._-]+\}\}$/.test(value.trim());
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
