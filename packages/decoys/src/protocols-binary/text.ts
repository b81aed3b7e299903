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
