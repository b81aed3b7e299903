/**
 * GREASE values (RFC 8701): 0x0a0a, 0x1a1a … 0xfafa. Clients sprinkle them at random into cipher,
 * extension, group, version and signature lists; every fingerprint ignores them so a client keeps
 * one fingerprint across connections.
 */
export function isGrease(value: number): boolean {
  return (value & 0x0f0f) === 0x0a0a && value >> 8 === (value & 0xff)
}
