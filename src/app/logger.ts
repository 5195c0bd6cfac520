import pino, { type Logger } from 'pino';
import type { Config } from '../config.js';

/** JSON logs. Message text never appears unless LOG_MESSAGES=true. */
export function createLogger(config: Pick<Config, 'LOG_LEVEL'>): Logger {
  return pino({ level: config.LOG_LEVEL, base: undefined, redact: ['req.headers.authorization'] });
}
