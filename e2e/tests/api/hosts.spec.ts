import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createApiClient } from '@decnet/api/client'
import { ADMIN_PASSWORD, signInAdmin } from '../../fixtures/auth.ts'
import { SecondDaemon } from '../../fixtures/second-daemon.ts'
import { expect, startStack, test } from '../../fixtures/stack.ts'
import { uiLogin } from '../../fixtures/ui-helpers.ts'

const HEARTBEAT_MS = 1_000
const HOST_CERTS = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../scripts/host-certs.sh',
)

/** Runs the setup script users run, so the script itself is what the test trusts. */
function makeCerts(
  address: string,
): Record<'ca' | 'serverCert' | 'serverKey' | 'clientCert' | 'clientKey', string> {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'decnet-certs-')), 'tls')
  const printed = execFileSync('bash', [HOST_CERTS, dir, address], { encoding: 'utf8' })
  expect(printed).toContain('--tlsverify')
  return {
    ca: path.join(dir, 'ca.pem'),
    serverCert: path.join(dir, 'server-cert.pem'),
    serverKey: path.join(dir, 'server-key.pem'),
    clientCert: path.join(dir, 'client-cert.pem'),
    clientKey: path.join(dir, 'client-key.pem'),
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

test('enrolls a Docker engine over mutual TLS, refuses a foreign client certificate, never returns TLS material, tracks its heartbeat', async ({
  page,
}) => {
  test.setTimeout(180_000)
  const certs = makeCerts('127.0.0.1')
  const foreign = makeCerts('127.0.0.1')
  const port = await freePort()
  const daemon = new SecondDaemon(`decnet-e2e-tls-${process.pid}`, {
    port,
    ca: certs.ca,
    cert: certs.serverCert,
    key: certs.serverKey,
  })
  await daemon.start()
  let running: Awaited<ReturnType<typeof startStack>> | undefined
  try {
    running = await startStack({
      DECNET_SECRET_KEY: 'e2e-secret-key-for-host-tls-material-0123',
      DECNET_HOST_HEARTBEAT_MS: String(HEARTBEAT_MS),
    })
    const { client, token } = await signInAdmin(running.stack)
    const { dataDir } = running.stack
    const read = (file: string) => readFileSync(file, 'utf8')
    const network = { driver: 'bridge' as const, subnet: '172.30.201.0/24', gateway: '172.30.201.1' }

    const refused = await client.hosts.enroll
      .mutate({
        name: 'rogue',
        dockerUrl: `tcp://127.0.0.1:${port}`,
        tls: { ca: read(certs.ca), cert: read(foreign.clientCert), key: read(foreign.clientKey) },
        network,
      })
      .catch((error: { data?: { code?: string }; message: string }) => error)
    expect(refused).toMatchObject({ data: { code: 'BAD_REQUEST' } })
    expect((refused as Error).message).toContain('did not answer over mutual TLS')

    const enrolled = await client.hosts.enroll.mutate({
      name: 'second',
      dockerUrl: `tcp://127.0.0.1:${port}`,
      tls: { ca: read(certs.ca), cert: read(certs.clientCert), key: read(certs.clientKey) },
      network,
    })
    expect(enrolled).toMatchObject({ name: 'second', status: 'active', builtIn: false, deckyCount: 0 })
    expect(enrolled.engine.version).toMatch(/^\d+\.\d+/)

    const hosts = await createApiClient(running.stack.apiUrl, token).hosts.list.query()
    expect(hosts.map((host) => [host.name, host.status])).toEqual([
      ['local', 'active'],
      ['second', 'active'],
    ])
    const wire = JSON.stringify(hosts)
    expect(wire).not.toContain('BEGIN')
    // Sealed at rest: neither the database nor its write-ahead log holds any PEM.
    const stored = Buffer.concat(
      ['decnet.db', 'decnet.db-wal'].map((file) => readFileSync(path.join(dataDir, file))),
    )
    expect(stored.includes('PRIVATE KEY')).toBe(false)
    expect(stored.includes('BEGIN CERTIFICATE')).toBe(false)
    expect(stored.includes('enc:v1:')).toBe(true)

    // The hosts page lists both, live.
    await uiLogin(page, running.stack, 'admin', ADMIN_PASSWORD)
    await page.goto(`${running.stack.webUrl}/hosts`)
    await expect(page.getByTestId('host-local')).toHaveAttribute('data-status', 'active')
    await expect(page.getByTestId('host-second')).toHaveAttribute('data-status', 'active')
    await page.screenshot({ path: test.info().outputPath('hosts.png'), fullPage: true })

    // The heartbeat: the engine stops answering → unreachable within 3 beats; back → active again.
    await daemon.stop()
    const stoppedAt = Date.now()
    await expect
      .poll(async () => (await client.hosts.get.query({ id: enrolled.id })).status, {
        timeout: 10 * HEARTBEAT_MS,
      })
      .toBe('unreachable')
    expect(Date.now() - stoppedAt).toBeLessThanOrEqual(4 * HEARTBEAT_MS + 1_000)
    expect((await client.hosts.get.query({ id: 'local' })).status).toBe('active')
    await expect(page.getByTestId('host-second')).toHaveAttribute('data-status', 'unreachable')
    await daemon.start()
    await expect
      .poll(async () => (await client.hosts.get.query({ id: enrolled.id })).status, {
        timeout: 10 * HEARTBEAT_MS,
      })
      .toBe('active')
    await expect(page.getByTestId('host-second')).toHaveAttribute('data-status', 'active')

    const decommissioned = await client.hosts.decommission.mutate({ id: enrolled.id })
    expect(decommissioned.lifecycleIds).toEqual([])
    expect((await client.hosts.get.query({ id: enrolled.id })).status).toBe('decommissioning')
  } finally {
    await running?.stop()
    await daemon.destroy()
  }
})
