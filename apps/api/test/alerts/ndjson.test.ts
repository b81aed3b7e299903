// The NDJSON file channel on the real filesystem: one parseable line per alert, 0600 files,
// size rotation keeping N files, concurrent sends never interleaving, paths confined to the
// allowed directory.
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { TransportError } from '../../src/alerts/transport.ts'
import { createNdjsonTransport, type NdjsonConfig } from '../../src/alerts/transports/ndjson.ts'
import { HOSTILE_SUMMARY, sampleAlert } from './sample-alert.ts'

const signal = () => AbortSignal.timeout(20_000)

function readLines(file: string): Array<Record<string, unknown>> {
  if (!existsSync(file)) return []
  const text = readFileSync(file, 'utf8')
  expect(text === '' || text.endsWith('\n')).toBe(true)
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>)
}

describe('NDJSON file alert transport', () => {
  let root: string
  let allowedDir: string
  const open: Array<{ close(): Promise<void> }> = []

  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'decnet-ndjson-'))
    allowedDir = path.join(root, 'alerts')
  })
  afterEach(async () => {
    for (const transport of open.splice(0)) await transport.close()
    rmSync(root, { recursive: true, force: true })
  })

  function transport(config: NdjsonConfig) {
    const t = createNdjsonTransport(config, {}, { allowedDir })
    open.push(t)
    return t
  }

  it('appends one JSON line per alert to a 0600 file, control characters escaped by JSON', async () => {
    const t = transport({ path: 'decnet.ndjson' })
    const first = sampleAlert()
    const second = sampleAlert({ reason: 'escalated', severity: 'critical' })
    await t.send(first, signal())
    await t.send(second, signal())
    const file = path.join(allowedDir, 'decnet.ndjson')
    const lines = readLines(file)
    expect(lines).toEqual([
      { kind: 'decnet.alert', version: 1, ...first },
      { kind: 'decnet.alert', version: 1, ...second },
    ])
    expect((lines[0]!.events as Array<{ summary: string }>)[0]!.summary).toBe(HOSTILE_SUMMARY)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(statSync(allowedDir).mode & 0o777).toBe(0o700)
  })

  it('narrows an existing file to 0600 and appends after what it held', async () => {
    mkdirSync(allowedDir, { recursive: true })
    const file = path.join(allowedDir, 'existing.ndjson')
    writeFileSync(file, '{"earlier":true}\n')
    chmodSync(file, 0o644)
    const t = transport({ path: file })
    const alert = sampleAlert()
    await t.send(alert, signal())
    expect(readLines(file).map((l) => l.idempotencyKey ?? 'earlier')).toEqual([
      'earlier',
      alert.idempotencyKey,
    ])
    expect(statSync(file).mode & 0o777).toBe(0o600)
  })

  it('opens the file once when the first sends arrive together, and close() releases it', async () => {
    const t = transport({ path: 'burst.ndjson' })
    const file = path.join(allowedDir, 'burst.ndjson')
    // This process's descriptors open on the alert file (/proc/self/fd links name their target).
    const openOnFile = () =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`) === file
        } catch {
          return false
        }
      }).length
    await Promise.all(Array.from({ length: 8 }, () => t.send(sampleAlert(), signal())))
    expect(readLines(file)).toHaveLength(8)
    expect(openOnFile()).toBe(1)
    await t.close()
    expect(openOnFile()).toBe(0)
  })

  it('serialises 300 concurrent sends into 300 whole lines', async () => {
    const t = transport({ path: 'busy.ndjson' })
    const alerts = Array.from({ length: 300 }, () => sampleAlert())
    await Promise.all(alerts.map((a) => t.send(a, signal())))
    const keys = readLines(path.join(allowedDir, 'busy.ndjson')).map((l) => l.idempotencyKey)
    expect(keys.sort()).toEqual(alerts.map((a) => a.idempotencyKey).sort())
  })

  it('rotates by size, keeping N files of at most maxBytes, newest last', async () => {
    const t = transport({ path: 'rotating.ndjson', maxBytes: 8 * 1024, keep: 3 })
    const alerts = Array.from({ length: 120 }, (_, i) =>
      sampleAlert({ idempotencyKey: `k-${String(i).padStart(4, '0')}` }),
    )
    // Sequential first, then a concurrent burst: rotation must hold for both.
    for (const alert of alerts.slice(0, 60)) await t.send(alert, signal())
    await Promise.all(alerts.slice(60).map((a) => t.send(a, signal())))

    const base = path.join(allowedDir, 'rotating.ndjson')
    const files = [`${base}.3`, `${base}.2`, `${base}.1`, base]
    for (const file of files) {
      expect(existsSync(file)).toBe(true)
      expect(statSync(file).size).toBeLessThanOrEqual(8 * 1024)
      expect(statSync(file).mode & 0o777).toBe(0o600)
    }
    expect(existsSync(`${base}.4`)).toBe(false)
    // Oldest file first, the kept lines are the newest alerts, contiguous and in order.
    const kept = files.flatMap((file) => readLines(file).map((l) => l.idempotencyKey as string))
    const expected = alerts.map((a) => a.idempotencyKey).slice(-kept.length)
    expect(kept.length).toBeGreaterThan(12)
    expect(kept).toEqual(expected)
  })

  it('loses no line across rotations under concurrency when enough files are kept', async () => {
    const t = transport({ path: 'all.ndjson', maxBytes: 4 * 1024, keep: 100 })
    const alerts = Array.from({ length: 150 }, () => sampleAlert())
    await Promise.all(alerts.map((a) => t.send(a, signal())))
    const base = path.join(allowedDir, 'all.ndjson')
    const files = [base, ...Array.from({ length: 100 }, (_, i) => `${base}.${i + 1}`)]
    const keys = files.flatMap((file) => readLines(file).map((l) => l.idempotencyKey as string))
    expect(keys.sort()).toEqual(alerts.map((a) => a.idempotencyKey).sort())
  })

  it('starts a new file when the old one is moved away (external rotation)', async () => {
    const t = transport({ path: 'moved.ndjson' })
    const file = path.join(allowedDir, 'moved.ndjson')
    const before = sampleAlert()
    await t.send(before, signal())
    renameSync(file, `${file}.archived`)
    const after = sampleAlert()
    await t.send(after, signal())
    expect(readLines(`${file}.archived`).map((l) => l.idempotencyKey)).toEqual([before.idempotencyKey])
    expect(readLines(file).map((l) => l.idempotencyKey)).toEqual([after.idempotencyKey])
  })

  it('refuses paths outside the allowed directory, also through symlinks', async () => {
    const outsideFile = path.join(root, 'escaped.ndjson')
    mkdirSync(allowedDir, { recursive: true })
    symlinkSync(root, path.join(allowedDir, 'link-dir'))
    symlinkSync(outsideFile, path.join(allowedDir, 'link-file.ndjson'))
    for (const p of [
      '../escaped.ndjson',
      outsideFile,
      '/etc/decnet.ndjson',
      'link-dir/escaped.ndjson',
      '.',
    ]) {
      const t = transport({ path: p })
      const err = await t.send(sampleAlert(), signal()).catch((e: unknown) => e)
      expect(err, p).toBeInstanceOf(TransportError)
      expect((err as TransportError).retryable, p).toBe(false)
      await expect(t.ready()).rejects.toThrow(/outside the allowed directory/)
    }
    const viaLink = transport({ path: 'link-file.ndjson' })
    const err = await viaLink.send(sampleAlert(), signal()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TransportError)
    expect((err as TransportError).retryable).toBe(false)
    expect(existsSync(outsideFile)).toBe(false)
    expect(existsSync('/etc/decnet.ndjson')).toBe(false)
  })

  it('accepts a subdirectory of the allowed directory', async () => {
    const t = transport({ path: 'site-a/decnet.ndjson' })
    await t.send(sampleAlert(), signal())
    expect(readLines(path.join(allowedDir, 'site-a', 'decnet.ndjson'))).toHaveLength(1)
  })

  it('writes nothing for an already aborted send, and refuses sends after close', async () => {
    const t = transport({ path: 'aborted.ndjson' })
    const controller = new AbortController()
    controller.abort()
    await expect(t.send(sampleAlert(), controller.signal)).rejects.toBeInstanceOf(TransportError)
    expect(readLines(path.join(allowedDir, 'aborted.ndjson'))).toHaveLength(0)
    await t.send(sampleAlert(), signal())
    await t.close()
    await expect(t.send(sampleAlert(), signal())).rejects.toThrow(/closed/)
  })
})
