import { chmodSync, createWriteStream } from 'node:fs'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'

/**
 * GETs `url` and streams the body to `file` (created or emptied, mode 0600 before anything is
 * written: exports may hold captured secrets) or to stdout. Returns the bytes written; a refusal
 * becomes an error with the API's reason, a download cut short rejects.
 */
export async function streamDownload(url: string, file: string | undefined): Promise<number> {
  const response = await fetch(url)
  if (!response.ok || !response.body) {
    const reason = await response.text().then(
      (text) => (JSON.parse(text) as { error?: string }).error ?? text,
      () => '',
    )
    throw new Error(`download refused (${response.status}): ${reason}`)
  }
  let bytes = 0
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length
      callback(null, chunk)
    },
  })
  const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>)
  if (file) {
    const out = createWriteStream(file, { mode: 0o600 })
    await new Promise<void>((resolve, reject) => out.once('open', () => resolve()).once('error', reject))
    chmodSync(file, 0o600)
    await pipeline(body, counter, out)
  } else {
    await pipeline(body, counter, process.stdout, { end: false })
  }
  return bytes
}
