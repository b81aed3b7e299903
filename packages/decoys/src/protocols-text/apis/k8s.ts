import { randomUUID } from 'node:crypto'
import { goDialect, json, jsonApiEmulator, prettyJson } from './json-api.ts'
import { releaseCommit, releaseDate } from './releases.ts'

const DAY_MS = 86_400_000

/**
 * A Kubernetes API server with anonymous access left on: version, discovery, namespaces, pods and
 * bait secrets. Requests for secrets are flagged in the event so they stand out. The version comes
 * from the persona, the `Audit-Id` is new for every request (as the apiserver's audit layer makes
 * it), and the TLS port shows a kubeadm-style certificate.
 */
export const k8sEmulator = jsonApiEmulator(
  {
    slug: 'k8s',
    defaultPorts: [6443, 8080],
    dialect: goDialect,
    defaultVersion: 'v1.29.10',
    tlsOnIndex: (index) => index === 0,
  },
  ({ persona, claimed, version: gitVersion, random }) => {
    const parsed = /^v?1\.(\d+)\.(\d+)/.exec(gitVersion)
    const minor = parsed?.[1] ?? '29'
    const patch = Number(parsed?.[2] ?? 0)
    const goVersion = claimed?.attrs.goVersion ?? 'go1.22.8'
    // Cluster created (kubeadm init) before the node's last boot.
    const createdMs = persona.bootTime * 1000 - random.fork('created').int(20 * DAY_MS, 400 * DAY_MS)
    const namespaces = [
      'default',
      'kube-system',
      'kube-public',
      'kube-node-lease',
      random.pick(['prod', 'payments', 'web', 'internal']),
    ]
    const created = new Date(createdMs).toISOString().replace(/\.\d+Z$/, 'Z')
    const registryDomain = persona.domain?.dns.toLowerCase() ?? `${persona.hostname.toLowerCase()}.local`
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
        image: `registry.${registryDomain}/api:${random.int(1, 4)}.${random.int(0, 20)}.0`,
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
              [`registry.${registryDomain}`]: {
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
    // resourceVersion is etcd's revision: it only grows, about one write a second on a quiet cluster.
    const resourceVersion = () => String(Math.floor((Date.now() - createdMs) / 1300) + 1_000)
    const list = (kind: string, items: unknown[]) =>
      json(200, {
        kind,
        apiVersion: 'v1',
        metadata: { resourceVersion: resourceVersion() },
        items,
      })
    // The UIDs of the FlowSchema and PriorityLevel objects that classify anonymous requests: fixed per cluster.
    const flowSchemaUid = uid()
    const priorityLevelUid = uid()
    const meta = (name: string, namespace?: string) => ({
      name,
      ...(namespace ? { namespace } : {}),
      uid: uid(),
      creationTimestamp: created,
    })
    return {
      defaultHeaders: {
        'Cache-Control': 'no-cache, private',
        'X-Kubernetes-Pf-Flowschema-Uid': flowSchemaUid,
        'X-Kubernetes-Pf-Prioritylevel-Uid': priorityLevelUid,
      },
      handle: (request) => {
        const auditId = { 'Audit-Id': randomUUID() }
        const path = request.path.replace(/\/+$/, '') || '/'
        const secretsRequest = /\/secrets(\/|$)/.test(path)
        const reply = (() => {
          // The apiserver indents its root listing and /version (the rest is compact JSON).
          if (path === '/')
            return prettyJson(200, {
              paths: [
                '/.well-known/openid-configuration',
                '/api',
                '/api/v1',
                '/apis',
                '/apis/',
                '/apis/apps',
                '/apis/apps/v1',
                '/healthz',
                '/livez',
                '/metrics',
                '/openapi/v2',
                '/openapi/v3',
                '/readyz',
                '/version',
              ],
            })
          if (path === '/version') {
            return prettyJson(200, {
              major: '1',
              minor,
              gitVersion: `v1.${minor}.${patch}`,
              gitCommit: releaseCommit('kubernetes', gitVersion, 40),
              gitTreeState: 'clean',
              buildDate: releaseDate('kubernetes', gitVersion),
              goVersion,
              compiler: 'gc',
              platform: 'linux/amd64',
            })
          }
          if (path === '/api')
            return json(200, {
              kind: 'APIVersions',
              versions: ['v1'],
              serverAddressByClientCIDRs: [
                {
                  clientCIDR: '0.0.0.0/0',
                  serverAddress: `${request.session.socket.localAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1'}:6443`,
                },
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
            const inNamespace = <T extends { namespace: string }>(items: T[]) =>
              items.filter((item) => !namespace || item.namespace === namespace)
            if (resource === 'pods') {
              return list(
                'PodList',
                inNamespace(pods).map((p) => ({
                  metadata: meta(p.name, p.namespace),
                  spec: { containers: [{ name: p.name.split('-')[0], image: p.image }] },
                  status: { phase: 'Running' },
                })),
              )
            }
            return list(
              'SecretList',
              inNamespace(secrets).map((s) => ({
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
        const withAudit = { ...reply, headers: { ...reply.headers, ...auditId } }
        return secretsRequest ? { ...withAudit, fields: { resource: 'secrets' } } : withAudit
      },
    }
  },
)
