import { configString } from '../../framework/config.ts'
import { personaFor } from '../shell/persona.ts'
import { json, jsonApiEmulator } from './json-api.ts'

/**
 * A Kubernetes API server with anonymous access left on: version, discovery, namespaces, pods and
 * bait secrets. Requests for secrets are flagged in the event so they stand out.
 */
export const k8sEmulator = jsonApiEmulator('k8s', [6443, 8080], (ctx) => {
  const random = personaFor(ctx).random.fork('k8s')
  const configured = /^v?1\.(\d+)\.(\d+)/.exec(configString(ctx.config, 'version') ?? '')
  const minor = configured?.[1] ?? random.pick(['26', '27', '28', '29'])
  const patch = configured ? Number(configured[2]) : random.int(3, 12)
  const namespaces = [
    'default',
    'kube-system',
    'kube-public',
    'kube-node-lease',
    random.pick(['prod', 'payments', 'web', 'internal']),
  ]
  const created = new Date(Date.now() - random.int(40, 400) * 86_400_000)
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
  const uid = () => `${random.hex(8)}-${random.hex(4)}-${random.hex(4)}-${random.hex(4)}-${random.hex(12)}`
  const app = namespaces[4] ?? 'prod'
  const pods = [
    {
      namespace: 'kube-system',
      name: `coredns-${random.hex(10)}-${random.hex(5)}`,
      image: 'registry.k8s.io/coredns/coredns:v1.10.1',
    },
    {
      namespace: 'kube-system',
      name: `kube-proxy-${random.hex(5)}`,
      image: `registry.k8s.io/kube-proxy:v1.${minor}.${patch}`,
    },
    {
      namespace: app,
      name: `api-${random.hex(10)}-${random.hex(5)}`,
      image: `registry.${ctx.hostname.toLowerCase()}.local/api:${random.int(1, 4)}.${random.int(0, 20)}.0`,
    },
    { namespace: app, name: `postgres-0`, image: 'postgres:15.4' },
  ]
  const secrets = [
    {
      namespace: app,
      name: 'db-credentials',
      data: { username: 'app', password: `${random.pick(['Pg', 'Db', 'Prod'])}-${random.hex(12)}` },
    },
    {
      namespace: app,
      name: 'registry-auth',
      data: {
        '.dockerconfigjson': JSON.stringify({
          auths: {
            [`registry.${ctx.hostname.toLowerCase()}.local`]: {
              auth: Buffer.from(`deploy:${random.hex(16)}`).toString('base64'),
            },
          },
        }),
      },
    },
    {
      namespace: 'kube-system',
      name: `bootstrap-token-${random.hex(6)}`,
      data: { 'token-secret': random.hex(16) },
    },
  ]
  const list = (kind: string, items: unknown[]) =>
    json(200, {
      kind,
      apiVersion: 'v1',
      metadata: { resourceVersion: String(random.int(100_000, 999_999)) },
      items,
    })
  const meta = (name: string, namespace?: string) => ({
    name,
    ...(namespace ? { namespace } : {}),
    uid: uid(),
    creationTimestamp: created,
  })
  return {
    defaultHeaders: {
      'Audit-Id': uid(),
      'Cache-Control': 'no-cache, private',
      'X-Kubernetes-Pf-Flowschema-Uid': uid(),
    },
    handle: (request) => {
      const path = request.path.replace(/\/+$/, '') || '/'
      const secretsRequest = /\/secrets(\/|$)/.test(path)
      const reply = (() => {
        if (path === '/version') {
          return json(200, {
            major: '1',
            minor,
            gitVersion: `v1.${minor}.${patch}`,
            gitCommit: random.fork('commit').hex(40),
            gitTreeState: 'clean',
            buildDate: '2024-01-17T13:38:41Z',
            goVersion: 'go1.21.6',
            compiler: 'gc',
            platform: 'linux/amd64',
          })
        }
        if (path === '/api')
          return json(200, {
            kind: 'APIVersions',
            versions: ['v1'],
            serverAddressByClientCIDRs: [
              { clientCIDR: '0.0.0.0/0', serverAddress: `${ctx.hostname.toLowerCase()}:6443` },
            ],
          })
        if (path === '/apis')
          return json(200, {
            kind: 'APIGroupList',
            apiVersion: 'v1',
            groups: [
              {
                name: 'apps',
                versions: [{ groupVersion: 'apps/v1', version: 'v1' }],
                preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
              },
            ],
          })
        if (path === '/healthz' || path === '/livez' || path === '/readyz')
          return { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: 'ok' }
        if (path === '/api/v1/namespaces')
          return list(
            'NamespaceList',
            namespaces.map((name) => ({ metadata: meta(name), status: { phase: 'Active' } })),
          )
        const scoped = /^\/api\/v1(?:\/namespaces\/([^/]+))?\/(pods|secrets)$/.exec(path)
        if (scoped) {
          const [, namespace, resource] = scoped
          if (resource === 'pods') {
            return list(
              'PodList',
              pods
                .filter((p) => !namespace || p.namespace === namespace)
                .map((p) => ({
                  metadata: meta(p.name, p.namespace),
                  spec: { containers: [{ name: p.name.split('-')[0], image: p.image }] },
                  status: { phase: 'Running' },
                })),
            )
          }
          return list(
            'SecretList',
            secrets
              .filter((s) => !namespace || s.namespace === namespace)
              .map((s) => ({
                metadata: meta(s.name, s.namespace),
                type: 'Opaque',
                data: Object.fromEntries(
                  Object.entries(s.data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
                ),
              })),
          )
        }
        return json(404, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: 'the server could not find the requested resource',
          reason: 'NotFound',
          details: {},
          code: 404,
        })
      })()
      return secretsRequest ? { ...reply, fields: { resource: 'secrets' } } : reply
    },
  }
})
