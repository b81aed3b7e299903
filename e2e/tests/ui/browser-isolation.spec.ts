// The UI suites' Chromium runs in its own network namespace (fixtures/chromium.ts). On the host, an
// interface coming up with an address (what Docker does for every bridge network and container) makes
// Chromium fail requests it is connecting with ERR_NETWORK_CHANGED, a flake of the whole e2e suite.
// Here: the browser's namespace holds only its loopback, it still reaches the host's 127.0.0.1, and a
// stream of fresh connections loses nothing while bridges with addresses and carriers come and go.
import { execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { readdirSync, readFileSync, readlinkSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { chromium, expect, test } from '@playwright/test'
import { CHROMIUM_EXECUTABLE } from '../../fixtures/chromium.ts'

const PREFIX = `dciso${process.pid % 100000}`
const CHURNS = 12

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'ignore' })
}

/** The browser process (not a renderer or helper) whose command line carries `marker`. */
function browserPid(marker: string): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    let argv: string[]
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')
    } catch {
      continue // exited meanwhile
    }
    if (
      argv.includes(marker) &&
      !argv.some((a) => a.startsWith('--type=')) &&
      !argv.includes('--decnet-relay')
    )
      if (!argv[0]?.endsWith('node') && !argv[0]?.endsWith('unshare')) return Number(entry)
  }
  throw new Error(`no browser process with ${marker}`)
}

test('Chromium runs in its own network namespace, reaches the host loopback, and loses no request while host bridges come and go', async () => {
  const server = http.createServer((_req, res) => {
    // Every fetch opens a new connection: connecting is when Chromium fails on a change.
    res.setHeader('connection', 'close')
    res.end('<title>host loopback</title>')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const marker = `--decnet-isolation-check=${randomUUID()}`
  const browser = await chromium.launch({
    executablePath: CHROMIUM_EXECUTABLE,
    args: ['--no-sandbox', '--disable-gpu', marker],
  })
  try {
    const pid = browserPid(marker)
    expect(readlinkSync(`/proc/${pid}/ns/net`)).not.toBe(readlinkSync('/proc/self/ns/net'))
    const links = execFileSync('nsenter', [`--net=/proc/${pid}/ns/net`, 'ip', '-o', 'link', 'show'], {
      encoding: 'utf8',
    })
    expect(
      links
        .trim()
        .split('\n')
        .map((l) => l.split(':')[1]?.trim()),
    ).toEqual(['lo'])

    const page = await browser.newPage()
    await page.goto(`http://127.0.0.1:${port}/`)
    await expect(page).toHaveTitle('host loopback')
    const fetching = page.evaluate(async (ms) => {
      const failures: string[] = []
      let count = 0
      for (const end = Date.now() + ms; Date.now() < end; count++) {
        try {
          await (await fetch(`/?${count}`, { cache: 'no-store' })).text()
        } catch (error) {
          failures.push(String(error))
        }
      }
      return { count, failures }
    }, CHURNS * 350)
    // What Docker does for a network and a container: a bridge with an address, a veth enslaved to
    // it (the bridge gains a carrier), then both removed.
    for (let i = 0; i < CHURNS; i++) {
      ip('link', 'add', `${PREFIX}b`, 'type', 'bridge')
      ip('addr', 'add', `10.254.77.${i + 1}/24`, 'dev', `${PREFIX}b`)
      ip('link', 'set', `${PREFIX}b`, 'up')
      ip('link', 'add', `${PREFIX}v`, 'type', 'veth', 'peer', 'name', `${PREFIX}p`)
      ip('link', 'set', `${PREFIX}v`, 'master', `${PREFIX}b`)
      ip('link', 'set', `${PREFIX}v`, 'up')
      ip('link', 'set', `${PREFIX}p`, 'up')
      await new Promise((resolve) => setTimeout(resolve, 300))
      ip('link', 'del', `${PREFIX}v`)
      ip('link', 'del', `${PREFIX}b`)
    }
    const { count, failures } = await fetching
    expect(count).toBeGreaterThan(100)
    expect(failures).toEqual([])
  } finally {
    for (const link of [`${PREFIX}v`, `${PREFIX}b`])
      try {
        ip('link', 'del', link)
      } catch {
        // already removed
      }
    await browser.close()
    server.close()
  }
})
