// What a user typed on the command line or in an input file: errors the CLI prints on one line
// with exit code 2, never as a stack trace.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {
  override name = 'UsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** node's parseArgs (strict, no positionals), with its errors as UsageErrors. */
export function parseFlags<T extends Options>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, strict: true }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
