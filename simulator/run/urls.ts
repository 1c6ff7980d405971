// Where a forwarded request went, read back from its URL.

/** Deployment name from a forwarded Azure OpenAI URL. */
export function deploymentOfUrl(url: string): string | undefined {
  const m = /\/openai\/deployments\/([^/]+)\//.exec(new URL(url).pathname);
  return m ? decodeURIComponent(m[1]!) : undefined;
}
