// Writes an export to a byte sink (the HTTP response) as it is read: one database page in memory at a
// time, text handed over in chunks of about CHUNK_CHARS, and nothing more read while the sink's buffer
// is full (write() said so): the next page waits for 'drain'. A sink that closes (the client hung up)
// ends the export and releases the database cursor.
import type { Writable } from 'node:stream'
import { type CsvValue, csvLine } from './csv.ts'
import type { ExportRecord, ExportSource } from './sources.ts'

/** Characters gathered before a write: the socket's own high-water mark, so few are alive at once. */
export const CHUNK_CHARS = 16 * 1024

export type TableFormat = 'csv' | 'ndjson'

function csvValue(value: unknown): CsvValue {
  if (value === null || value === undefined) return value
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value
  // Lists and objects (fields, services, commands) as JSON text: unambiguous, and escaped again as a cell.
  return JSON.stringify(value)
}

/** One record as a line of the format, its keys in column order (an absent value: empty / omitted). */
export function formatRecord(format: TableFormat, columns: readonly string[], record: ExportRecord): string {
  if (format === 'csv') return csvLine(columns.map((column) => csvValue(record[column])))
  const ordered: ExportRecord = {}
  for (const column of columns) if (record[column] !== undefined) ordered[column] = record[column]
  return `${JSON.stringify(ordered)}\n`
}

/** Resolves true once the sink drains, false if it closes first. */
function drained(sink: Writable): Promise<boolean> {
  return new Promise((resolve) => {
    const finish = (ok: boolean) => {
      sink.off('drain', onDrain)
      sink.off('close', onClose)
      resolve(ok)
    }
    const onDrain = () => finish(true)
    const onClose = () => finish(false)
    sink.once('drain', onDrain)
    sink.once('close', onClose)
  })
}

/**
 * Writes `chunks` to `sink`, waiting for 'drain' whenever write() reports a full buffer. Returns false
 * if the sink closed or was destroyed before the end (the iterator is then closed: its `finally` runs).
 * Does not end the sink.
 */
export async function writeChunks(sink: Writable, chunks: AsyncIterable<string>): Promise<boolean> {
  for await (const chunk of chunks) {
    if (sink.destroyed || sink.writableEnded) return false
    if (!sink.write(Buffer.from(chunk, 'utf8')) && !(await drained(sink))) return false
  }
  return !sink.destroyed
}

/**
 * The export as text chunks: the CSV header first, then rows, about CHUNK_CHARS at a time. Each page
 * is turned into flat text before anything waits on the sink, so its row objects die young (the
 * garbage collector's cheap path) instead of outliving the wait and piling up in the old generation.
 */
export async function* tableChunks(format: TableFormat, source: ExportSource): AsyncGenerator<string> {
  const header = format === 'csv' ? [csvLine(source.columns)] : []
  let pending: string[] = header
  let pendingChars = header[0]?.length ?? 0
  for await (const page of source.pages) {
    const ready: string[] = []
    for (const record of page) {
      const line = formatRecord(format, source.columns, record)
      pending.push(line)
      pendingChars += line.length
      if (pendingChars >= CHUNK_CHARS) {
        ready.push(pending.join(''))
        pending = []
        pendingChars = 0
      }
    }
    yield* ready
  }
  if (pendingChars > 0) yield pending.join('')
}
