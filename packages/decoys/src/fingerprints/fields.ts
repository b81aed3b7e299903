import type { DecoyEvent } from '../emulator.ts'
import type { ClientHello } from './client-hello.ts'
import { hassh } from './hassh.ts'
import { ja3 } from './ja3.ts'
import { highestVersion, ja4 } from './ja4.ts'
import { headerOrder, ja4h } from './ja4h.ts'
import type { KexInit } from './ssh-kexinit.ts'
import { capText, hex4, MAX_RAW_FINGERPRINT_CHARS } from './text.ts'

type Fields = DecoyEvent['fields']

/** A DNS name is at most 253 characters; anything longer is an attacker's padding. */
const MAX_SNI_CHARS = 255
/** ALPN names are short tokens (`h2`, `http/1.1`, `acme-tls/1`). */
const MAX_ALPN_CHARS = 64
/** RFC 4253: the identification line is at most 255 characters with its CR LF. */
const MAX_CLIENT_VERSION_CHARS = 255

const VERSION_NAMES: Record<number, string> = {
  772: 'TLSv1.3',
  771: 'TLSv1.2',
  770: 'TLSv1.1',
  769: 'TLSv1.0',
  768: 'SSLv3',
}

/** `tls_client_hello` event fields (see `@decnet/core` intel/types.ts). */
export function clientHelloFields(hello: ClientHello): Fields {
  const { ja3: ja3Text, ja3Hash } = ja3(hello)
  const { ja4: ja4Text, ja4Raw } = ja4(hello)
  const version = highestVersion(hello)
  const alpn = hello.alpn[0]
  return {
    ja3: capText(ja3Text, MAX_RAW_FINGERPRINT_CHARS),
    ja3_hash: ja3Hash,
    ja4: ja4Text,
    ja4_r: capText(ja4Raw, MAX_RAW_FINGERPRINT_CHARS),
    tls_sni: hello.serverName === undefined ? null : capText(hello.serverName, MAX_SNI_CHARS),
    tls_alpn: alpn === undefined ? null : capText(alpn.toString('latin1'), MAX_ALPN_CHARS),
    tls_version: VERSION_NAMES[version] ?? `0x${hex4(version)}`,
  }
}

/** `ssh_client_kexinit` event fields. */
export function kexInitFields(clientVersion: string, kexinit: KexInit): Fields {
  const { hassh: hash, algorithms } = hassh(kexinit)
  return {
    client_version: capText(clientVersion, MAX_CLIENT_VERSION_CHARS),
    hassh: hash,
    hassh_algorithms: capText(algorithms, MAX_RAW_FINGERPRINT_CHARS),
  }
}

/** Fields an HTTP `request` event gains: JA4H (HTTP/1.0 and 1.1) and the raw header order. */
export function httpRequestFingerprintFields(request: {
  method: string
  version: '0.9' | '1.0' | '1.1'
  rawHeaders: readonly (readonly [string, string])[]
}): Fields {
  const order = headerOrder(request.rawHeaders)
  if (request.version === '0.9') return { header_order: order }
  const { ja4h: fingerprint } = ja4h({ ...request, version: request.version })
  return { ja4h: fingerprint, header_order: order }
}
