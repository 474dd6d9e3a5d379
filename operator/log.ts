// Structured JSON logs (winston) on stderr. One logger for the process; its level is set by
// --log-level.
import winston from 'winston';

export const log = winston.createLogger({
  level: process.env.LOG_LEVEL ?? 'info',
  format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
  defaultMeta: { logger: 'virt-platform-operator' },
  transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] })],
});

export function setLogLevel(level: string): void {
  log.level = level;
}
