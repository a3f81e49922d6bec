/** What `run` throws, or undefined: for asserting on an error's fields, not just its message. */
export function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}
