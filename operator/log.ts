// Structured JSON logs (winston) on stderr, one object per line: level, message, timestamp,
// logger, then the caller's fields. Winston merges a `message` field into the line's message (and
// lets a `level` field override the level), so fields may not use those names: the type forbids
// them and, for anything untyped, they are kept under a trailing underscore (`message_`) rather
// than lost. The level comes from --log-level, else $LOG_LEVEL, else info.
import winston from 'winston';

const RESERVED = ['message', 'level', 'timestamp', 'logger'] as const;
type Reserved = (typeof RESERVED)[number];

/** A line's structured fields: anything but the names the line itself uses. */
export type LogFields = { [k: string]: unknown } & { [K in Reserved]?: never };

const backend = winston.createLogger({
  level: process.env.LOG_LEVEL ?? 'info',
  format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
  defaultMeta: { logger: 'virt-platform-operator' },
  transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] })],
});

/** The fields with reserved names moved aside, so none is merged into the line or dropped. */
export function safeFields(fields: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[(RESERVED as readonly string[]).includes(k) ? `${k}_` : k] = v;
  return out;
}

function write(level: string, message: string, fields?: LogFields): void {
  // The info object itself, not (message, meta): winston then neither concatenates nor overrides.
  backend.log({ ...safeFields(fields), level, message });
}

export const log = {
  error: (message: string, fields?: LogFields): void => write('error', message, fields),
  warn: (message: string, fields?: LogFields): void => write('warn', message, fields),
  info: (message: string, fields?: LogFields): void => write('info', message, fields),
  debug: (message: string, fields?: LogFields): void => write('debug', message, fields),
  get level(): string {
    return backend.level;
  },
};

export function setLogLevel(level: string): void {
  backend.level = level;
}
