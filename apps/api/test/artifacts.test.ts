// Artifacts through the API: the artifacts worker's gateway (the real one this API process started)
// stores what a decoy sends; artifacts.list/get show metadata to viewers, the download path to
// admins only; GET /artifact-files/<sha256> serves the bytes to admins as an attachment, and
// refuses viewers and anonymous callers.
import { createHash } from 'node:crypto'
import { askGateway } from '@decnet/decoys'
import { artifactPaths, deckyToken, gatewayKey } from '@decnet/lifecycle'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiServer, listen } from '../src/server.ts'
import { codeOf, NEW_ADMIN_PASSWORD } from './support/accounts.ts'
import { inProcessApiOfSuite } from './support/in-process.ts'

const BYTES = Buffer.from('<html><script>alert(document.cookie)</script></html>\n')
const HASH = createHash('sha256').update(BYTES).digest('hex')

describe('artifacts', () => {
  const api = inProcessApiOfSuite({ viewer: 'watcher' })
  const { admin, viewer } = api
  let server: ReturnType<typeof createApiServer>
  let base = ''
  let adminToken = ''
  let viewerToken = ''

  beforeAll(async () => {
    const paths = artifactPaths(api.dataDir)
    const decky = { socket: paths.socket, decky: 'web-01', token: deckyToken(gatewayKey(paths), 'web-01') }
    const stored = await askGateway(
      decky,
      '/upload?source=http_body&name=%2Fupload.php&attacker=203.0.113.5',
      BYTES,
      10_000,
    )
    expect(stored).toEqual({ sha256: HASH, size: BYTES.length, truncated: false })
    server = createApiServer(api.services)
    base = `http://127.0.0.1:${(await listen(server, 0, '127.0.0.1')).port}`
    adminToken = await api.signIn('admin', NEW_ADMIN_PASSWORD)
    viewerToken = await api.signIn('watcher', 'watcher-changed-pw-1')
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('lists metadata for viewers; only admins get the download path', async () => {
    const { rows } = await viewer.artifacts.list({ limit: 10 })
    expect(rows).toEqual([
      expect.objectContaining({ sha256: HASH, size: BYTES.length, sightings: 1, truncated: false }),
    ])
    const seen = await viewer.artifacts.get({ sha256: HASH })
    expect(seen.downloadPath).toBeNull()
    expect(seen.seen).toEqual([
      expect.objectContaining({
        decky: 'web-01',
        source: 'http_body',
        name: '/upload.php',
        attackerIp: '203.0.113.5',
      }),
    ])
    expect((await admin.artifacts.get({ sha256: HASH })).downloadPath).toBe(`/artifact-files/${HASH}`)
    expect(await codeOf(viewer.artifacts.get({ sha256: 'f'.repeat(64) }))).toBe('NOT_FOUND')
    expect(await codeOf(viewer.artifacts.get({ sha256: '../../etc/passwd' }))).toBe('BAD_REQUEST')
  })

  it('serves the bytes to admins as an attachment, never inline; refuses viewers and anonymous callers', async () => {
    const url = `${base}/artifact-files/${HASH}`
    const asAdmin = await fetch(url, { headers: { authorization: `Bearer ${adminToken}` } })
    expect(asAdmin.status).toBe(200)
    expect(asAdmin.headers.get('content-type')).toBe('application/octet-stream')
    expect(asAdmin.headers.get('content-disposition')).toBe(`attachment; filename="${HASH}.bin"`)
    expect(asAdmin.headers.get('x-content-type-options')).toBe('nosniff')
    expect(Buffer.from(await asAdmin.arrayBuffer())).toEqual(BYTES)
    expect((await fetch(url, { headers: { authorization: `Bearer ${viewerToken}` } })).status).toBe(403)
    expect((await fetch(url)).status).toBe(401)
    const missing = await fetch(`${base}/artifact-files/..%2F..%2Fdecnet.db`, {
      headers: { authorization: `Bearer ${adminToken}` },
    })
    expect(missing.status).toBe(404)
  })
})
