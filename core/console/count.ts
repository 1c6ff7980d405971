// "1 account", "3 accounts": counts in console sentences. English plurals of the nouns these
// sentences use are regular (+s) unless given.

/** `n` and the noun, singular for exactly one. */
export function countOf(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
