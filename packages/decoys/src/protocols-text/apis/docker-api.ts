import { parseObject } from '@decnet/core/json'
import { goDialect, json, jsonApiEmulator } from './json-api.ts'
import { releaseCommit, releaseDate } from './releases.ts'

const DAY_MS = 86_400_000
/** Engine API version of each Docker release line. */
const API_VERSIONS: [string, string][] = [
  ['27.', '1.47'],
  ['26.', '1.45'],
  ['25.', '1.44'],
  ['24.', '1.43'],
  ['23.', '1.42'],
  ['20.10', '1.41'],
]

/**
 * An exposed Docker Engine API (the classic cryptominer entry point): version, ping, container and
 * image listings; container creation is accepted and logged with image, command, binds, privileges.
 * Engine ID, host name, kernel, OS, CPUs and memory come from the persona (what `docker info`
 * would read from that host); the TLS port (2376) shows the persona's certificate.
 */
export const dockerApiEmulator = jsonApiEmulator(
  {
    slug: 'docker_api',
    defaultPorts: [2375, 2376],
    dialect: goDialect,
    defaultVersion: '26.1.4',
    randomLabel: 'docker',
    tlsOnIndex: (index) => index === 1,
  },
  ({ persona, claimed, version, random }) => {
    const apiVersion =
      claimed?.attrs.apiVersion ?? API_VERSIONS.find(([prefix]) => version.startsWith(prefix))?.[1] ?? '1.45'
    const goVersion = claimed?.attrs.goVersion ?? 'go1.21.11'
    const arch = persona.os.arch === 'aarch64' ? 'arm64' : 'amd64'
    // Docker 23+ keeps a UUID engine id in /var/lib/docker/engine-id, made when the daemon first ran.
    const engineId = uuidFrom(random.fork('engine-id').hex(32))
    const headers = {
      'Api-Version': apiVersion,
      'Docker-Experimental': 'false',
      Ostype: 'linux',
      Server: `Docker/${version} (linux)`,
    }
    const now = () => Math.floor(Date.now() / 1000)
    const installedS = Math.floor(
      (persona.bootTime * 1000 - random.fork('installed').int(10 * DAY_MS, 300 * DAY_MS)) / 1000,
    )
    const images = [
      { name: 'nginx:1.25', size: 187_000_000 },
      { name: 'postgres:15', size: 412_000_000 },
      {
        name: `registry.${persona.domain?.dns.toLowerCase() ?? 'local'}/app:${random.int(1, 9)}.${random.int(0, 30)}`,
        size: random.int(90_000_000, 400_000_000),
      },
      { name: 'redis:7-alpine', size: 41_000_000 },
    ].map((image) => ({
      ...image,
      id: `sha256:${random.hex(64)}`,
      created: installedS + random.int(3_600, 20 * 86_400),
    }))
    const containers = images.slice(0, 3).map((image, index) => ({
      Id: random.hex(64),
      Names: [`/${['web', 'db', 'app'][index]}-${random.int(1, 3)}`],
      Image: image.name,
      ImageID: image.id,
      Command: ['nginx -g "daemon off;"', 'docker-entrypoint.sh postgres', 'node server.js'][index],
      Created: image.created + 3600,
      State: 'running',
      // Containers restarted with the host: up since a little after boot.
      startedS: persona.bootTime + random.int(20, 90),
      Ports: [],
      Labels: {},
    }))
    return {
      defaultHeaders: headers,
      handle: (request) => {
        // Clients prefix paths with the API version (`/v1.41/containers/json`).
        const path = request.path.replace(/^\/v\d+\.\d+/, '').replace(/\/+$/, '') || '/'
        if (path === '/_ping')
          return {
            status: 200,
            headers: {
              'Builder-Version': '2',
              'Cache-Control': 'no-cache, no-store, must-revalidate',
              'Content-Type': 'text/plain; charset=utf-8',
              Pragma: 'no-cache',
            },
            body: 'OK',
          }
        if (path === '/version') {
          return json(200, {
            Platform: { Name: 'Docker Engine - Community' },
            Version: version,
            ApiVersion: apiVersion,
            MinAPIVersion: '1.12',
            GitCommit: releaseCommit('docker', version, 7),
            GoVersion: goVersion,
            Os: 'linux',
            Arch: arch,
            KernelVersion: persona.os.kernel,
            BuildTime: `${releaseDate('docker', version).replace('Z', '')}.000000000+00:00`,
          })
        }
        if (path === '/info') {
          return json(200, {
            ID: engineId,
            Containers: containers.length,
            ContainersRunning: containers.length,
            Images: images.length,
            Driver: 'overlay2',
            SystemTime: new Date().toISOString().replace('Z', '000000Z'),
            KernelVersion: persona.os.kernel,
            OperatingSystem: persona.os.name,
            OSVersion: persona.os.versionId,
            OSType: 'linux',
            Architecture: persona.os.arch,
            NCPU: persona.hardware.cpuCores,
            MemTotal: persona.hardware.memoryKb * 1024,
            Name: persona.hostname,
            ServerVersion: version,
          })
        }
        if (path === '/containers/json')
          return json(
            200,
            containers.map(({ startedS, ...container }) => ({
              ...container,
              Status: `Up ${humanDuration(now() - startedS)}`,
            })),
          )
        if (path === '/images/json')
          return json(
            200,
            images.map((i) => ({
              Id: i.id,
              RepoTags: [i.name],
              Created: i.created,
              Size: i.size,
              Containers: -1,
            })),
          )
        if (path === '/containers/create' && request.method === 'POST') {
          const spec = parseObject(request.body)
          const hostConfig = parseObject(JSON.stringify(spec.HostConfig ?? {}))
          return {
            ...json(201, { Id: random.hex(64), Warnings: [] }),
            fields: {
              action: 'container_create',
              image: typeof spec.Image === 'string' ? spec.Image : null,
              cmd: JSON.stringify(spec.Cmd ?? null).slice(0, 1024),
              binds: JSON.stringify(hostConfig.Binds ?? null).slice(0, 1024),
              privileged: hostConfig.Privileged === true,
            },
          }
        }
        if (/^\/containers\/[^/]+\/(start|stop|kill|restart)$/.test(path) && request.method === 'POST')
          return { status: 204 }
        if (/^\/containers\/[^/]+\/exec$/.test(path) && request.method === 'POST')
          return json(201, { Id: random.hex(64) })
        if (/^\/exec\/[^/]+\/start$/.test(path))
          return { status: 200, headers: { 'Content-Type': 'application/vnd.docker.raw-stream' }, body: '' }
        return json(404, { message: 'page not found' })
      },
    }
  },
)

/** `Up 3 hours`, `Up 12 days`, as docker ps words it. */
function humanDuration(seconds: number): string {
  if (seconds < 60) return `${seconds} seconds`
  if (seconds < 3600) return `${Math.round(seconds / 60)} minutes`
  if (seconds < 48 * 3600) return `${Math.round(seconds / 3600)} hours`
  if (seconds < 14 * 86_400) return `${Math.round(seconds / 86_400)} days`
  if (seconds < 60 * 86_400) return `${Math.round(seconds / (7 * 86_400))} weeks`
  return `${Math.round(seconds / (30 * 86_400))} months`
}

function uuidFrom(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((Number.parseInt(hex[16] ?? '8', 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}
