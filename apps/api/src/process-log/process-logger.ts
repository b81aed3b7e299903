// The API process's own log (not attackers' events): with DECNET_LOG_FORMAT=json one JSON object a
// line — time, level, service, msg — for journald and log shippers; `text` keeps plain lines for a
// terminal. Every console.* call of the process is routed through it, so workers need no logger of
// their own and nothing bypasses the level filter.
import { format } from 'node:util'
import pino from 'pino'
import type { LogFormat, LogLevel } from '../config.ts'

export type ProcessLogger = {
  debug(message: string): void
  info(message: string): void
  warn(message: string): void
  error(message: string): void
}

export function createJsonLogger(level: LogLevel, destination: pino.DestinationStream): ProcessLogger {
  const logger = pino(
    {
      level,
      base: { service: 'decnet-api', pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  )
  return {
    debug: (message) => logger.debug(message),
    info: (message) => logger.info(message),
    warn: (message) => logger.warn(message),
    error: (message) => logger.error(message),
  }
}

/**
 * Routes console.debug/log/info/warn/error through a JSON logger on stdout (written synchronously:
 * the last lines before process.exit are not lost). With `text`, the console is left as it is.
 */
export function routeConsole(settings: { format: LogFormat; level: LogLevel }): ProcessLogger | undefined {
  if (settings.format !== 'json') return undefined
  const logger = createJsonLogger(settings.level, pino.destination({ dest: 1, sync: true }))
  const at =
    (write: (message: string) => void) =>
    (...args: unknown[]) =>
      write(format(...args))
  console.debug = at(logger.debug)
  console.log = at(logger.info)
  console.info = at(logger.info)
  console.warn = at(logger.warn)
  console.error = at(logger.error)
  return logger
}
