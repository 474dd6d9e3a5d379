// Command-line flags: node's parseArgs (strict, no positionals), its errors as UsageErrors.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage-error.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export function parseFlags<T extends Options>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, strict: true }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
