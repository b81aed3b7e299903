import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sshRun } from '../../fixtures/attacker.ts'
import { adminCli, decnet } from '../../fixtures/cli.ts'
import { expect, test } from '../../fixtures/stack.ts'

// An attacker's SSH login attempt on a real decky, then the Logs search exported as CSV: by the CLI
// to a file, and by a browser's path (the console's same-origin /exports/ proxy) from a one-time link.
const ATTACKER_USER = '=cmd|calc-e2e'

/** Splits RFC 4180 CSV text into records (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const records: string[][] = []
  let record: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (char === '"') quoted = false
      else cell += char
    } else if (char === '"') quoted = true
    else if (char === ',') {
      record.push(cell)
      cell = ''
    } else if (char === '\r' && text[i + 1] === '\n') {
      record.push(cell)
      records.push(record)
      record = []
      cell = ''
      i++
    } else cell += char
  }
  return records
}

test('decnet export logs and the console link stream the search as safe CSV', async ({ stack }) => {
  test.setTimeout(300_000)
  const { client, env } = await adminCli(stack)
  const dir = mkdtempSync(path.join(os.tmpdir(), 'decnet-export-logs-'))
  try {
    const ini = path.join(dir, 'fleet.ini')
    writeFileSync(ini, '[exp-logs]\nservices = ssh\n')
    const deployed = await decnet(['deploy', '-c', ini], env)
    expect(deployed.stdout, deployed.stderr).toContain('all 1 done')
    const decky = (await client.fleet.get.query({ name: 'exp-logs' })).address
    await sshRun(decky, ATTACKER_USER, 'not-the-password-1', 'id').catch(() => null)
    const attempted = async () =>
      (await client.logs.search.query({ q: 'decky:exp-logs', limit: 100 })).rows.some((row) =>
        JSON.stringify(row.fields).includes(ATTACKER_USER),
      )
    await expect.poll(attempted, { timeout: 60_000 }).toBe(true)

    const file = path.join(dir, 'logs.csv')
    const exported = await decnet(
      ['export', 'logs', '--format', 'csv', '-q', 'decky:exp-logs', '--out', file],
      env,
    )
    expect(exported.code, exported.stderr).toBe(0)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const [header, ...rows] = parseCsv(readFileSync(file, 'utf8'))
    expect(header?.join(',')).toBe(
      'id,timestamp,decky,service,eventType,attackerIp,attackerPort,system,fields,message',
    )
    expect(rows.length).toBeGreaterThan(0)
    expect(rows.every((row) => row[2] === 'exp-logs')).toBe(true)
    expect(rows.some((row) => (row[8] ?? '').includes(ATTACKER_USER))).toBe(true)
    for (const cell of rows.flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/)

    // The console's path: a one-time link from exports.logs, fetched through the web server's proxy.
    const ticket = await client.exports.logs.mutate({ format: 'csv', q: 'decky:exp-logs' })
    const viaConsole = await fetch(`${stack.webUrl}${ticket.url}`)
    expect(viaConsole.status).toBe(200)
    expect(viaConsole.headers.get('content-disposition')).toMatch(
      /^attachment; filename="decnet-logs-\d{8}T\d{6}Z\.csv"$/,
    )
    expect(parseCsv(await viaConsole.text()).length).toBe(rows.length + 1)
    expect((await fetch(`${stack.webUrl}${ticket.url}`)).status).toBe(410)
  } finally {
    await decnet(['teardown', 'exp-logs'], env)
    rmSync(dir, { recursive: true, force: true })
  }
})
