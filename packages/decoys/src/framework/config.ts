import type { ServiceConfigValue } from '../emulator.ts'

/**
 * Readers for a service's config. Values normally arrive coerced by the catalogue schema, but an
 * emulator must also cope with raw strings (env, INI) and missing keys without crashing.
 */
export type ServiceConfig = Record<string, ServiceConfigValue>

export function configString(config: ServiceConfig, key: string): string | undefined {
  const value = config[key]
  if (value === undefined || value === '') return undefined
  return Array.isArray(value) ? value.join(',') : String(value)
}

export function configInt(config: ServiceConfig, key: string): number | undefined {
  const value = config[key]
  const parsed = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN
  return Number.isInteger(parsed) ? parsed : undefined
}

export function configBool(config: ServiceConfig, key: string): boolean | undefined {
  const value = config[key]
  if (typeof value === 'boolean') return value
  if (typeof value === 'string') {
    const lowered = value.trim().toLowerCase()
    if (['true', '1', 'yes', 'on'].includes(lowered)) return true
    if (['false', '0', 'no', 'off'].includes(lowered)) return false
  }
  return undefined
}

/**
 * A service's config as the engine hands it over (decky-services.ts): an object whose values are
 * strings, numbers, booleans or string lists. Anything else is a deployment bug, reported with the
 * offending key; `where` names the config in errors.
 */
export function serviceConfigFrom(parsed: unknown, where: string): ServiceConfig {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${where} must be a JSON object`)
  }
  const config: ServiceConfig = {}
  for (const [key, value] of Object.entries(parsed)) {
    // Never let a key named like a prototype slot reshape the config object.
    if (value === null || key === '__proto__' || key === 'constructor' || key === 'prototype') continue
    const ok =
      typeof value === 'string' ||
      typeof value === 'number' ||
      typeof value === 'boolean' ||
      (Array.isArray(value) && value.every((item) => typeof item === 'string'))
    if (!ok) throw new Error(`${where}: key '${key}' has an unsupported value type`)
    config[key] = value as ServiceConfigValue
  }
  return config
}
