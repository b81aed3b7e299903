/**
 * The decky's built-in services as its decoy process takes them (decoys' decky-services.ts), and the
 * one-file tar archive a live edit writes into the decoy container's services volume with.
 */
import { encodeDeckyServices } from '@decnet/decoys/decky-services'
import type { DeckySpec } from '../types.ts'

/** The services of `spec` in the decoy's encoding: each with its ports once (sip: UDP and TCP 5060). */
export function encodedServices(spec: DeckySpec): string {
  return encodeDeckyServices(
    spec.services.map((service) => ({
      slug: service.slug,
      ports: [...new Set(service.ports.map(({ port }) => port))],
      config: service.config,
    })),
  )
}

const BLOCK = 512

function octal(header: Buffer, value: number, offset: number, length: number): void {
  header.write(`${value.toString(8).padStart(length - 1, '0')}\0`, offset, length, 'ascii')
}

/**
 * A POSIX ustar archive holding one regular file `name` (owned by root, mode 0644): the body Docker's
 * "extract an archive into a container" call takes.
 */
export function singleFileTar(name: string, content: Buffer): Buffer {
  if (Buffer.byteLength(name) > 100) throw new Error(`tar entry name too long: ${name}`)
  const header = Buffer.alloc(BLOCK)
  header.write(name, 0, 100, 'utf8')
  octal(header, 0o644, 100, 8)
  octal(header, 0, 108, 8)
  octal(header, 0, 116, 8)
  octal(header, content.length, 124, 12)
  octal(header, Math.floor(Date.now() / 1000), 136, 12)
  header.write('0', 156, 'ascii')
  header.write('ustar\u000000', 257, 8, 'ascii')
  // The checksum is computed with its own field as spaces, then written as six octal digits, NUL, space.
  header.fill(' ', 148, 156)
  let sum = 0
  for (const byte of header) sum += byte
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii')
  const padding = (BLOCK - (content.length % BLOCK)) % BLOCK
  return Buffer.concat([header, content, Buffer.alloc(padding), Buffer.alloc(2 * BLOCK)])
}

/** The content of the first entry of a tar archive (what Docker's "get an archive" returns for a file). */
export function firstFileInTar(archive: Buffer): Buffer {
  if (archive.length < BLOCK) throw new Error('tar archive shorter than its header')
  const size = Number.parseInt(archive.toString('ascii', 124, 136).replace(/\0.*$/, '').trim(), 8)
  if (!Number.isInteger(size) || archive.length < BLOCK + size) throw new Error('truncated tar archive')
  return archive.subarray(BLOCK, BLOCK + size)
}
