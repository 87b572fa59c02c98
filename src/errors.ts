/** Bad input from the user (flags, names, files): one line, exit code 2, never a stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A replayed trace that no longer fits the spec (an action is not enabled). */
export class ReplayError extends Error {
  override readonly name = 'ReplayError';
}
