// @decnet/core/schemas: the domain concepts (zod schema + inferred type) and the API's wire shapes.
// Web-safe: nothing reachable from here imports a Node module (test/web-safe-entries.test.ts).

// The interval syntax is a concept forms validate too (the module is pure).
export { INTERVAL_PATTERN, INTERVAL_RE } from '../mutation/interval.ts'
export * from './alerts.ts'
export * from './artifacts.ts'
export * from './audit.ts'
export * from './catalog.ts'
export * from './channels.ts'
export * from './common.ts'
export * from './config.ts'
export * from './custom-service.ts'
export * from './decky.ts'
export * from './exports.ts'
export * from './fleet.ts'
export * from './hosts.ts'
export * from './incident-requests.ts'
export * from './incidents.ts'
export * from './lifecycle.ts'
export * from './logs.ts'
export * from './persona.ts'
export * from './users.ts'
export * from './workers.ts'
