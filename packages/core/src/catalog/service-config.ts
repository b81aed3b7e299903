// Coerces raw string persona settings (from INI sub-sections or API forms) into typed values using
// each service's config schema, so `nla=false` really is false and `b64:` textareas are decoded.
import { DecnetError, quote } from '../errors.ts'
import { loginConfigProblem, loginNameProblem, parseAccountPairs } from '../persona/accounts.ts'
import {
  type ConfigField,
  type ConfigFieldFormat,
  type ConfigValue,
  getService,
  type ServiceDefinition,
} from './services.ts'

export type ServiceConfigValues = Record<string, ConfigValue>

/** Longest accepted value per type; persona strings end up in protocol banners and env vars. */
export const MAX_STRING_VALUE = 1024
export const MAX_TEXTAREA_VALUE = 64 * 1024

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on'])
const FALSE_WORDS = new Set(['false', '0', 'no', 'off'])
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
// Single-line values must not smuggle CR/LF (header/banner injection) or other control characters.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
export const LINE_CONTROL_RE = /[\u0000-\u001f\u007f]/
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const TEXT_CONTROL_RE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/

export type FieldResult = { ok: true; value: ConfigValue } | { ok: false; reason: string }

const fail = (reason: string): FieldResult => ({ ok: false, reason })

function decodeB64(payload: string): string | undefined {
  const compact = payload.trim()
  if (!BASE64_RE.test(compact)) return undefined
  try {
    const binary = atob(compact)
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0))
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return undefined
  }
}

/** Coerces one raw value for one field; the reason names what was expected. */
export function coerceField(field: ConfigField, raw: string): FieldResult {
  switch (field.type) {
    case 'string':
    case 'password': {
      if (raw.length > MAX_STRING_VALUE) return fail(`longer than ${MAX_STRING_VALUE} characters`)
      if (LINE_CONTROL_RE.test(raw)) return fail('contains control characters')
      const problem = field.format && formatProblem(field.format, raw)
      return problem ? fail(problem) : { ok: true, value: raw }
    }
    case 'textarea': {
      let text = raw
      if (raw.startsWith('b64:')) {
        const decoded = decodeB64(raw.slice(4))
        if (decoded === undefined) return fail('malformed b64: payload (expected base64 of UTF-8 text)')
        text = decoded
      }
      if (text.length > MAX_TEXTAREA_VALUE) return fail(`longer than ${MAX_TEXTAREA_VALUE} characters`)
      if (TEXT_CONTROL_RE.test(text)) return fail('contains control characters')
      return { ok: true, value: text }
    }
    case 'int': {
      const text = raw.trim()
      if (!/^-?\d{1,15}$/.test(text)) return fail(`expected an integer, got ${quote(raw)}`)
      const value = Number(text)
      if (field.min !== undefined && value < field.min)
        return fail(`must be at least ${field.min}, got ${value}`)
      if (field.max !== undefined && value > field.max)
        return fail(`must be at most ${field.max}, got ${value}`)
      return { ok: true, value }
    }
    case 'bool': {
      const word = raw.trim().toLowerCase()
      if (TRUE_WORDS.has(word)) return { ok: true, value: true }
      if (FALSE_WORDS.has(word)) return { ok: true, value: false }
      return fail(`expected a boolean (true/false/yes/no/on/off/1/0), got ${quote(raw)}`)
    }
    case 'enum': {
      const options = field.options ?? []
      const value = raw.trim()
      if (!options.includes(value)) return fail(`${quote(raw)} is not one of ${options.join(', ')}`)
      return { ok: true, value }
    }
    case 'multi_enum': {
      const options = field.options ?? []
      const items = raw
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '')
      if (items.length === 0) return fail('list must not be empty')
      const unknown = items.find((item) => !options.includes(item))
      if (unknown !== undefined) return fail(`${quote(unknown)} is not one of ${options.join(', ')}`)
      return { ok: true, value: [...new Set(items)] }
    }
  }
}

function formatProblem(format: ConfigFieldFormat, raw: string): string | undefined {
  switch (format) {
    case 'login-name':
      return loginNameProblem(raw)
    case 'accounts': {
      const pairs = parseAccountPairs(raw)
      return pairs.ok ? undefined : pairs.reason
    }
  }
}

export type EncodeResult = { ok: true; text: string } | { ok: false; reason: string }

function utf8ToBase64(text: string): string {
  let binary = ''
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte)
  return btoa(binary)
}

/**
 * The INI text for one typed value (the inverse of coerceField): lists comma-joined, textareas as
 * `b64:` so newlines survive. Refused unless the reader would coerce the text back to the same value,
 * so the writer and the wizard's validation agree on what an INI can carry.
 */
export function encodeField(field: ConfigField, value: ConfigValue): EncodeResult {
  const text = Array.isArray(value)
    ? value.join(',')
    : field.type === 'textarea'
      ? `b64:${utf8ToBase64(String(value))}`
      : String(value)
  // The reader trims values before coercing them.
  const back = coerceField(field, text.trim())
  if (!back.ok) return back
  if (JSON.stringify(back.value) !== JSON.stringify(value)) {
    return { ok: false, reason: 'it would not read back unchanged (whitespace, duplicates or line breaks)' }
  }
  return { ok: true, text }
}

/** The config field a service declares under `key`, if any. */
export function getConfigField(service: ServiceDefinition, key: string): ConfigField | undefined {
  return service.config.find((field) => field.key === key)
}

/** Services whose settings are the login accounts of the decky's shell. */
const LOGIN_SERVICES: ReadonlySet<string> = new Set(['ssh', 'telnet'])

/**
 * What is wrong with one service's settings taken together (each value already passed its own field's
 * check): the key to blame and why, or undefined.
 */
export function serviceConfigProblem(
  slug: string,
  values: ServiceConfigValues,
): { key: string; reason: string } | undefined {
  return LOGIN_SERVICES.has(slug) ? loginConfigProblem(values) : undefined
}

/**
 * Coerces a whole raw persona map for `slug`. Empty values are dropped (they mean "use the
 * default"). Unknown services, unknown keys and bad values throw a DecnetError naming service,
 * key and reason.
 */
export function coerceServiceConfig(slug: string, raw: Record<string, string>): ServiceConfigValues {
  const service = getService(slug)
  if (!service) throw new DecnetError('invalid_input', `unknown service ${quote(slug)}`)
  // Only schema-declared keys are ever written, so a plain object cannot be polluted.
  const out: ServiceConfigValues = {}
  for (const [key, value] of Object.entries(raw)) {
    const field = getConfigField(service, key)
    if (!field) {
      throw new DecnetError('invalid_input', `service ${slug}: unknown config key ${quote(key)}`)
    }
    if (value === '') continue
    const result = coerceField(field, value)
    if (!result.ok) throw new DecnetError('invalid_input', `service ${slug}: ${key}: ${result.reason}`)
    out[key] = result.value
  }
  const problem = serviceConfigProblem(slug, out)
  if (problem) throw new DecnetError('invalid_input', `service ${slug}: ${problem.key}: ${problem.reason}`)
  return out
}
