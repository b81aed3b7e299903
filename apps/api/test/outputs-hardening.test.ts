import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'
import { codeOf } from './support/accounts.ts'
import { deployOne, inProcessApiOfSuite } from './support/in-process.ts'
import { eventually } from './support/wait.ts'

const run = promisify(execFile)

const AUTH_LINES = 260
const FORM_PASSWORD = 'Form-Secret-0451'
const BASIC_PASSWORD = 'Basic-Secret-7731'
const URL_PASSWORD = 'Url-Secret-9102'

// What the security probe did, with real clients against the in-process decoys (local engine).
describe('attacker-controlled outputs: paging, masking, search, health', () => {
  const api = inProcessApiOfSuite({ viewer: 'watcher' })
  const { admin, viewer } = api
  let address: string
  let attackerId: string
  beforeAll(async () => {
    address = await deployOne(admin, '[web-01]\nservices = http, redis\n')
    // A Redis AUTH loop: every password a new credential on the attacker's profile.
    const auth = Array.from({ length: AUTH_LINES }, (_, i) => `AUTH default guess-${i}`).join('\n')
    const redis = execFile('redis-cli', ['-h', address, '-p', '6379'])
    redis.stdin?.end(`${auth}\n`)
    await new Promise((resolve) => redis.once('exit', resolve))
    // A login form, Basic auth and a URL with credentials, as curl sends them.
    const web = `http://${address}`
    await run('curl', [
      '-s',
      '-o',
      '/dev/null',
      '-d',
      `log=admin&pwd=${FORM_PASSWORD}&rememberme=forever`,
      `${web}/wp-login.php`,
    ])
    await run('curl', ['-s', '-o', '/dev/null', '-u', `root:${BASIC_PASSWORD}`, `${web}/admin/`])
    await run('curl', ['-s', '-o', '/dev/null', `${web}/fetch?next=ftp://bob:${URL_PASSWORD}@files.example/`])
    const profile = await eventually(
      () => admin.attackers.list({ sort: 'recent' }),
      (list) => (list.rows[0]?.credentialCount ?? 0) >= AUTH_LINES,
      'the AUTH credentials on the profile',
    )
    attackerId = profile.rows[0]!.id
  }, 120_000)

  it('attackers.get pages the credentials an attacker piled up: a page, the total and a cursor', async () => {
    const first = await viewer.attackers.get({ id: attackerId })
    expect(first.credentials).toHaveLength(50)
    expect(first.credentialTotal).toBeGreaterThanOrEqual(AUTH_LINES)
    expect(first.recentLogs.length).toBeLessThanOrEqual(50)
    expect(first.moreLogs).toBe(true)
    // Admins walk every page and get each credential once.
    const seen = new Set<string>()
    let cursor: string | undefined
    let pages = 0
    do {
      const page = await admin.attackers.get({
        id: attackerId,
        credentialLimit: 100,
        ...(cursor ? { credentialCursor: cursor } : {}),
      })
      expect(page.credentials.length).toBeLessThanOrEqual(100)
      for (const c of page.credentials) seen.add(`${c.service}|${c.username}|${c.secret}`)
      cursor = page.credentialsNextCursor
      pages++
    } while (cursor)
    expect(seen.size).toBe(first.credentialTotal)
    expect(pages).toBeGreaterThanOrEqual(3)
    expect(await codeOf(admin.attackers.get({ id: attackerId, credentialLimit: 10_000 }))).toBe('BAD_REQUEST')
    // The list carries no per-attacker command lists (up to 100 KiB each) any more.
    const list = await viewer.attackers.list({ sort: 'recent' })
    expect(Object.keys(list.rows[0] ?? {})).not.toContain('commands')
  })

  it('attackers.list search is literal: a% and _ match nothing', async () => {
    expect((await viewer.attackers.list({ sort: 'recent' })).total).toBeGreaterThan(0)
    expect((await viewer.attackers.list({ q: 'a%', sort: 'recent' })).total).toBe(0)
    expect((await viewer.attackers.list({ q: '%', sort: 'recent' })).total).toBe(0)
    expect((await viewer.attackers.list({ q: '___._', sort: 'recent' })).total).toBe(0)
    expect((await viewer.attackers.list({ q: address.split('.')[0], sort: 'recent' })).total).toBeGreaterThan(
      0,
    )
  })

  it('viewers get no captured secret in any event shape; admins see them as sent', async () => {
    const secrets = [
      FORM_PASSWORD,
      BASIC_PASSWORD,
      URL_PASSWORD,
      Buffer.from(`root:${BASIC_PASSWORD}`).toString('base64'),
    ]
    const query = { q: 'service:http', limit: 200 }
    const forAdmin = await eventually(
      () => admin.logs.search(query),
      (result) => secrets.every((secret) => JSON.stringify(result.rows).includes(secret)),
      'every secret in the admin view',
    )
    expect(forAdmin.rows.some((row) => row.eventType === 'request' && row.message !== undefined)).toBe(true)
    const forViewer = await viewer.logs.search(query)
    expect(forViewer.rows.length).toBe(forAdmin.rows.length)
    const viewerText = JSON.stringify(forViewer.rows)
    for (const secret of secrets) expect(viewerText).not.toContain(secret)
    // What is not secret stays readable.
    const form = forViewer.rows.find(
      (row) => row.eventType === 'request' && String(row.fields.path) === '/wp-login.php',
    )
    expect(form?.fields.body).toBe('log=admin&pwd=••••••••&rememberme=forever')
    expect(form?.message).toBeUndefined()
    // Redis AUTH passwords too, in the log rows and the attacker's timeline.
    const redisRows = await viewer.logs.search({ q: 'service:redis guess-7', limit: 50 })
    expect(JSON.stringify(redisRows.rows)).not.toContain('guess-7')
    const detail = await viewer.attackers.get({ id: attackerId })
    for (const secret of secrets) expect(JSON.stringify(detail)).not.toContain(secret)
    expect(JSON.stringify(detail)).not.toMatch(/guess-\d/)
  })

  it('health.get: counts for signed-in callers only; anonymous callers get coarse states', async () => {
    const anonymous = await api.as().health.get()
    expect(anonymous.components.collector.status).toBe('up')
    for (const component of Object.values(anonymous.components)) expect(component.detail).not.toMatch(/\d/)
    const signedIn = await viewer.health.get()
    expect(signedIn.components.collector.detail).toMatch(/stored \d+/)
  })
})
