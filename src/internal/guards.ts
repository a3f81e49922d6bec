// Type guards for values read back from JSON, storage or options, which nothing vouches for.

/**
 * A plain JSON object: not null, not an array.
 *
 * @example
 * ```ts
 * if (!isPlainObject(JSON.parse(raw))) return null;
 * ```
 */
export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A string with at least one character.
 *
 * @example
 * ```ts
 * if (!isNonEmptyString(data['accessToken'])) return null;
 * ```
 */
export const isNonEmptyString = (value: unknown): value is string =>
  typeof value === 'string' && value !== '';

/**
 * A number that is neither NaN nor infinite (a JSON NumericDate or epoch milliseconds).
 *
 * @example
 * ```ts
 * if (!isFiniteNumber(payload['exp'])) throw invalid('lacks a numeric exp.');
 * ```
 */
export const isFiniteNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);
