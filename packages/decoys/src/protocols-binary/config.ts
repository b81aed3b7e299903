import type { EmulatorContext } from '../emulator.ts'

/** A non-empty string config value, or undefined (the catalogue may not declare the key yet). */
export function configString(ctx: EmulatorContext, key: string): string | undefined {
  const value = ctx.config[key]
  if (typeof value === 'string' && value.trim() !== '') return value
  if (typeof value === 'number') return String(value)
  return undefined
}

export function configBool(ctx: EmulatorContext, key: string, fallback: boolean): boolean {
  const value = ctx.config[key]
  if (typeof value === 'boolean') return value
  if (typeof value === 'string') {
    const lowered = value.trim().toLowerCase()
    if (['true', '1', 'yes', 'on'].includes(lowered)) return true
    if (['false', '0', 'no', 'off'].includes(lowered)) return false
  }
  return fallback
}

/**
 * A persona value that ends up inside a wire protocol: control characters would let a config
 * value break framing, so they are stripped and the length is capped.
 */
export function wireSafe(value: string, maxLength = 128): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  return value.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, maxLength)
}

/** Attacker-supplied bytes rendered as text for an event field, capped. */
export function textOf(bytes: Buffer, max = 1024, encoding: BufferEncoding = 'utf8'): string {
  return bytes.subarray(0, max).toString(encoding)
}
