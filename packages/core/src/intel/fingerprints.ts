// Fingerprints the decoys put on events (see the field list in types.ts), read as data: which field
// holds the compared value, which the raw form, and on which services the field means that kind.
import type { FieldReader } from './rules/engine.ts'
import type { FingerprintFinding, FingerprintKind } from './types.ts'

type FingerprintSource = {
  kind: FingerprintKind
  value: string
  detail?: string
  services?: readonly string[]
}

export const FINGERPRINT_SOURCES: readonly FingerprintSource[] = [
  { kind: 'ja3', value: 'ja3_hash', detail: 'ja3' },
  { kind: 'ja4', value: 'ja4', detail: 'ja4_r' },
  // Later SSH events of a connection repeat `hassh` without the algorithms: detail is '' then.
  { kind: 'hassh', value: 'hassh', detail: 'hassh_algorithms' },
  { kind: 'ja4h', value: 'ja4h', detail: 'header_order' },
  // VNC logs its RFB version as `client_version` too: only SSH's is an SSH client.
  { kind: 'ssh_client', value: 'client_version', services: ['ssh'] },
  { kind: 'user_agent', value: 'user_agent' },
]

const MAX_VALUE_CHARS = 512
const MAX_DETAIL_CHARS = 2048

export function extractFingerprints(service: string, read: FieldReader): FingerprintFinding[] {
  let found: FingerprintFinding[] | undefined
  for (const source of FINGERPRINT_SOURCES) {
    const value = read.get(source.value)
    if (value === undefined || value === '') continue
    if (source.services && !source.services.includes(service)) continue
    const detail = source.detail ? (read.get(source.detail) ?? '') : ''
    found ??= []
    found.push({
      kind: source.kind,
      value: value.slice(0, MAX_VALUE_CHARS),
      detail: detail.slice(0, MAX_DETAIL_CHARS),
    })
  }
  return found ?? []
}
