import { createHash, type Hash } from 'node:crypto'
import { type ArtifactUpload, startUpload } from '../framework/artifact-gateway.ts'
import type { Fields } from '../framework/tcp.ts'

/** Bytes of one upload hashed and counted; past this the transfer is cut (and flagged). */
const MAX_UPLOAD_BYTES = 16 * 1024 * 1024

type Channel = {
  write(data: string | Buffer): void
  on(event: 'data', listener: (chunk: Buffer) => void): void
  on(event: 'end' | 'close', listener: () => void): void
  exit(code: number): void
  end(): void
}

/**
 * The receiving side of the scp protocol (`scp -t <dir>`), so files an intruder drops are captured:
 * each file becomes an `upload` event with name, size and SHA-256, and its bytes are streamed to the
 * artifact gateway to be kept (nothing is written to the decoy's disk).
 */
export function receiveScp(
  channel: Channel,
  target: string,
  emit: (event: string, fields: Fields) => void,
): void {
  let header = ''
  let file: { name: string; size: number; received: number; hash: Hash; kept: ArtifactUpload } | undefined
  let awaitingTrailer = false
  const ack = () => channel.write(Buffer.from([0]))
  const finish = (code: number) => {
    channel.exit(code)
    channel.end()
  }

  const onHeader = (line: string): boolean => {
    const kind = line[0]
    if (kind === 'C') {
      const match = /^C([0-7]{4}) (\d+) (.+)$/.exec(line)
      if (!match) return false
      file = {
        name: (match[3] ?? '').slice(0, 255),
        size: Number(match[2]),
        received: 0,
        hash: createHash('sha256'),
        kept: startUpload(
          'upload',
          `${target.replace(/\/$/, '')}/${(match[3] ?? '').slice(0, 255)}`,
          undefined,
        ),
      }
    }
    // D (directory), E (end of directory) and T (times) need only an acknowledgement.
    else if (kind !== 'D' && kind !== 'E' && kind !== 'T') return false
    ack()
    return true
  }

  const completeFile = () => {
    if (!file) return
    void file.kept.end()
    emit('upload', {
      via: 'scp',
      path: target,
      name: file.name,
      bytes: file.received,
      declared_bytes: file.size,
      sha256: file.hash.digest('hex'),
      ...(file.received < file.size ? { truncated: true } : {}),
    })
    file = undefined
  }

  channel.on('data', (chunk: Buffer) => {
    let offset = 0
    while (offset < chunk.length) {
      if (file && !awaitingTrailer) {
        const take = Math.min(file.size - file.received, chunk.length - offset)
        file.hash.update(chunk.subarray(offset, offset + take))
        file.kept.write(chunk.subarray(offset, offset + take))
        file.received += take
        offset += take
        if (file.received >= MAX_UPLOAD_BYTES && file.received < file.size) {
          completeFile()
          return finish(1)
        }
        if (file.received === file.size) awaitingTrailer = true
      } else if (awaitingTrailer) {
        // The sender ends each file with one NUL byte, then waits for our acknowledgement.
        offset++
        awaitingTrailer = false
        completeFile()
        ack()
      } else {
        const newline = chunk.indexOf(0x0a, offset)
        header += chunk.subarray(offset, newline === -1 ? chunk.length : newline).toString('utf8')
        if (header.length > 1024) return finish(1)
        if (newline === -1) return
        offset = newline + 1
        const line = header
        header = ''
        if (!onHeader(line)) {
          channel.write('\x01scp: protocol error: unexpected header\n')
          return finish(1)
        }
      }
    }
  })
  channel.on('end', () => finish(0))
  ack()
}
