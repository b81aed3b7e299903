/**
 * The peer of an accepted TCP socket whose connection was already reset. A scanner's connect-then-RST
 * (nmap -sT, SO_LINGER 0) usually lands before the accept is handled; from then on getpeername(2) —
 * all Node offers — fails with ENOTCONN and the connection would be recorded from `unknown`. Linux
 * still answers getsockopt(SO_PEERNAME) for such a socket (it skips the state check), which Node does
 * not expose: it is called through libc with koffi (a prebuilt FFI). Where koffi or libc is not
 * available the answer is undefined and the caller keeps `unknown`.
 */
import { createRequire } from 'node:module'
import type { Socket } from 'node:net'

type Getsockopt = (fd: number, level: number, name: number, value: Buffer, length: number[]) => number
type Koffi = {
  load(path: string): { func(signature: string): Getsockopt }
}

const SOL_SOCKET = 1
const SO_PEERNAME = 28
const AF_INET = 2
const AF_INET6 = 10

let getsockopt: Getsockopt | null | undefined

function loadGetsockopt(): Getsockopt | null {
  if (getsockopt !== undefined) return getsockopt
  getsockopt = null
  if (process.platform !== 'linux') return null
  try {
    const koffi = createRequire(import.meta.url)('koffi') as Koffi
    getsockopt = koffi
      .load('libc.so.6')
      .func('int getsockopt(int fd, int level, int name, _Out_ uint8_t *value, _Inout_ uint32_t *length)')
  } catch {
    // No koffi (or no glibc) here: resets before accept stay unattributed.
  }
  return getsockopt
}

export type Peer = { ip: string; port: number }

/** SO_PEERNAME of the socket's file descriptor, or undefined when it cannot be read. */
export function peerOfResetSocket(socket: Socket): Peer | undefined {
  const fd = (socket as unknown as { _handle?: { fd?: unknown } })._handle?.fd
  if (typeof fd !== 'number' || fd < 0) return undefined
  const call = loadGetsockopt()
  if (!call) return undefined
  // The kernel refuses a buffer longer than the address (EINVAL): ask for IPv4's size, then IPv6's.
  for (const size of [16, 28]) {
    const address = Buffer.alloc(size)
    if (call(fd, SOL_SOCKET, SO_PEERNAME, address, [size]) !== 0) continue
    const family = address.readUInt16LE(0)
    const port = address.readUInt16BE(2)
    if (family === AF_INET && size === 16) return { ip: [...address.subarray(4, 8)].join('.'), port }
    if (family === AF_INET6 && size === 28) return { ip: formatIpv6(address.subarray(8, 24)), port }
  }
  return undefined
}

/** Eight uncompressed groups; an IPv4-mapped address as `::ffff:a.b.c.d` (peerAddress unwraps it). */
function formatIpv6(bytes: Buffer): string {
  if (bytes.subarray(0, 10).every((byte) => byte === 0) && bytes.readUInt16BE(10) === 0xffff) {
    return `::ffff:${[...bytes.subarray(12, 16)].join('.')}`
  }
  const groups: string[] = []
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16))
  return groups.join(':')
}
