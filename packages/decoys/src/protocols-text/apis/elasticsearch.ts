import { configString } from '../../framework/config.ts'
import { elasticsearchDialect, json, jsonApiEmulator, prettyJson } from './json-api.ts'
import { releaseCommit, releaseDate } from './releases.ts'

/**
 * Elasticsearch (7.x or 8.x, as the persona says) left open: root banner, _cat/indices,
 * _cluster/health and _search (queries logged). The node is named after the host (Elasticsearch's
 * default `node.name`), the cluster UUID is the persona's, the build facts are the release's.
 */
export const elasticsearchEmulator = jsonApiEmulator(
  { slug: 'elasticsearch', defaultPorts: [9200], dialect: elasticsearchDialect, defaultVersion: '7.17.25' },
  ({ persona, claimed, version, random }, ctx) => {
    const eight = version.startsWith('8.')
    const clusterName =
      configString(ctx.config, 'cluster_name') ??
      random.fork('cluster-name').pick(['elasticsearch', 'prod-logs', 'es-cluster', 'search', 'logging'])
    const uuid = () => Buffer.from(random.bytes(16)).toString('base64url').slice(0, 22)
    const clusterUuid = Buffer.from(random.fork('cluster-uuid').bytes(16)).toString('base64url').slice(0, 22)
    const nodeName = persona.hostname
    const buildType = ['rocky', 'rhel', 'centos', 'almalinux', 'fedora'].includes(persona.os.id)
      ? 'rpm'
      : 'deb'
    const indices = [
      { name: 'customers', docs: random.int(2_000, 90_000) },
      {
        name: `logs-${new Date().getUTCFullYear()}.${String(random.int(1, 12)).padStart(2, '0')}`,
        docs: random.int(50_000, 2_000_000),
      },
      { name: 'users', docs: random.int(100, 5_000) },
      { name: 'orders', docs: random.int(1_000, 400_000) },
    ].map((index) => ({ ...index, uuid: uuid(), sizeKb: Math.floor(index.docs * random.int(1, 4) * 1.3) }))
    const headers = {
      'X-elastic-product': 'Elasticsearch',
      'Content-Type': 'application/json; charset=UTF-8',
    }
    const typeField = eight ? {} : { _type: '_doc' }
    const hits = Array.from({ length: 3 }, (_, i) => ({
      _index: 'users',
      ...typeField,
      _id: String(i + 1),
      _score: 1,
      _source: {
        username: random.pick(['jsmith', 'admin', 'mlopez', 'kchen', 'svc_backup']),
        email: `${random.pick(['j.smith', 'admin', 'm.lopez', 'k.chen'])}@${persona.domain?.dns.toLowerCase() ?? 'example.local'}`,
        password_hash: `$2b$12$${Buffer.from(random.bytes(40)).toString('base64').replace(/[+/=]/g, '').slice(0, 53)}`,
      },
    }))
    return {
      defaultHeaders: headers,
      handle: (request) => {
        const path = request.path.replace(/\/+$/, '') || '/'
        if (path === '/') {
          return prettyJson(
            200,
            {
              name: nodeName,
              cluster_name: clusterName,
              cluster_uuid: clusterUuid,
              version: {
                number: version,
                build_flavor: 'default',
                build_type: buildType,
                build_hash: releaseCommit('elasticsearch', version, 40),
                build_date: releaseDate('elasticsearch', version).replace('Z', '.000000000Z'),
                build_snapshot: false,
                lucene_version: claimed?.attrs.luceneVersion ?? (eight ? '9.11.1' : '8.11.3'),
                minimum_wire_compatibility_version: eight ? '7.17.0' : '6.8.0',
                minimum_index_compatibility_version: eight ? '7.0.0' : '6.0.0-beta1',
              },
              tagline: 'You Know, for Search',
            },
            headers,
            'jackson',
          )
        }
        if (path === '/_cat/indices') {
          const lines = indices.map(
            (i) =>
              `green open ${i.name.padEnd(16)} ${i.uuid} 1 1 ${String(i.docs).padStart(8)} 0 ${i.sizeKb}kb ${Math.floor(i.sizeKb / 2)}kb`,
          )
          return {
            status: 200,
            headers: { 'Content-Type': 'text/plain; charset=UTF-8' },
            body: `${lines.join('\n')}\n`,
          }
        }
        if (path === '/_cluster/health') {
          return json(
            200,
            {
              cluster_name: clusterName,
              status: 'green',
              timed_out: false,
              number_of_nodes: 1,
              number_of_data_nodes: 1,
              active_primary_shards: indices.length,
              active_shards: indices.length,
              relocating_shards: 0,
              initializing_shards: 0,
              unassigned_shards: 0,
            },
            headers,
          )
        }
        if (path.endsWith('/_search') || path === '/_search') {
          return {
            ...json(
              200,
              {
                took: random.int(1, 9),
                timed_out: false,
                _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
                hits: { total: { value: hits.length, relation: 'eq' }, max_score: 1, hits },
              },
              headers,
            ),
            fields: { query: request.body.slice(0, 512) || request.query.toString() || null },
          }
        }
        const index = path.split('/')[1] ?? ''
        return json(
          404,
          {
            error: {
              root_cause: [{ type: 'index_not_found_exception', reason: `no such index [${index}]`, index }],
              type: 'index_not_found_exception',
              reason: `no such index [${index}]`,
              index,
            },
            status: 404,
          },
          headers,
        )
      },
    }
  },
)
