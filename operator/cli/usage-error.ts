// What a user typed on the command line or in an input file: errors the CLI prints on one line
// with exit code 2, never as a stack trace.
export class UsageError extends Error {
  override name = 'UsageError';
}
