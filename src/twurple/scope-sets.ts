// twurple asks for tokens by scope sets: any one scope of each set will do.

/**
 * The scopes `scopeSets` needs that `granted` lacks: each set is satisfied by any one of its
 * scopes (twurple's contract); an unsatisfied set is named by its first scope.
 *
 * @example
 * ```ts
 * missingScopes(['user:read:email'], [['channel:read:polls', 'channel:manage:polls']]); // ['channel:read:polls']
 * ```
 */
export function missingScopes(
  granted: readonly string[],
  scopeSets: readonly (readonly string[] | undefined)[],
): string[] {
  const missing: string[] = [];
  for (const set of scopeSets) {
    if (set === undefined || set.length === 0 || set.some((scope) => granted.includes(scope)))
      continue;
    const [first] = set;
    if (first !== undefined && !missing.includes(first)) missing.push(first);
  }
  return missing;
}
