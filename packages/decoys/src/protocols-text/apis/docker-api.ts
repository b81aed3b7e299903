import { parseObject } from '@decnet/core/json'
import { configString } from '../../framework/config.ts'
import { personaFor } from '../shell/persona.ts'
import { json, jsonApiEmulator } from './json-api.ts'

/**
 * An exposed Docker Engine API (the classic cryptominer entry point): version, ping, container and
 * image listings; container creation is accepted and logged with image, command, binds, privileges.
 */
export const dockerApiEmulator = jsonApiEmulator('docker_api', [2375, 2376], (ctx) => {
  const random = personaFor(ctx).random.fork('docker')
  const version =
    configString(ctx.config, 'version') ?? random.pick(['20.10.24', '24.0.7', '25.0.3', '26.1.4'])
  const apiVersion = version.startsWith('20')
    ? '1.41'
    : version.startsWith('24')
      ? '1.43'
      : version.startsWith('25')
        ? '1.44'
        : '1.45'
  const headers = {
    'Api-Version': apiVersion,
    'Docker-Experimental': 'false',
    Ostype: 'linux',
    Server: `Docker/${version} (linux)`,
  }
  const images = [
    { name: 'nginx:1.25', size: 187_000_000 },
    { name: 'postgres:15', size: 412_000_000 },
    {
      name: `registry.${ctx.hostname.toLowerCase()}.local/app:${random.int(1, 9)}.${random.int(0, 30)}`,
      size: random.int(90_000_000, 400_000_000),
    },
    { name: 'redis:7-alpine', size: 41_000_000 },
  ].map((image) => ({
    ...image,
    id: `sha256:${random.hex(64)}`,
    created: Math.floor(Date.now() / 1000) - random.int(86_400, 90 * 86_400),
  }))
  const containers = images.slice(0, 3).map((image, index) => ({
    Id: random.hex(64),
    Names: [`/${['web', 'db', 'app'][index]}-${random.int(1, 3)}`],
    Image: image.name,
    ImageID: image.id,
    Command: ['nginx -g "daemon off;"', 'docker-entrypoint.sh postgres', 'node server.js'][index],
    Created: image.created + 3600,
    State: 'running',
    Status: `Up ${random.int(2, 60)} days`,
    Ports: [],
    Labels: {},
  }))
  return {
    defaultHeaders: headers,
    handle: (request) => {
      // Clients prefix paths with the API version (`/v1.41/containers/json`).
      const path = request.path.replace(/^\/v\d+\.\d+/, '').replace(/\/+$/, '') || '/'
      if (path === '/_ping')
        return { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: 'OK' }
      if (path === '/version') {
        return json(200, {
          Platform: { Name: 'Docker Engine - Community' },
          Version: version,
          ApiVersion: apiVersion,
          MinAPIVersion: '1.12',
          GitCommit: random.fork('commit').hex(7),
          GoVersion: 'go1.21.6',
          Os: 'linux',
          Arch: 'amd64',
          KernelVersion: personaFor(ctx).kernel,
          BuildTime: '2024-02-06T21:13:50.000000000+00:00',
        })
      }
      if (path === '/info') {
        return json(200, {
          ID: random.fork('info').hex(12).toUpperCase(),
          Containers: containers.length,
          ContainersRunning: containers.length,
          Images: images.length,
          Driver: 'overlay2',
          Name: ctx.hostname,
          ServerVersion: version,
          OperatingSystem: personaFor(ctx).prettyName,
          OSType: 'linux',
          Architecture: 'x86_64',
          NCPU: random.pick([2, 4, 8]),
          MemTotal: personaFor(ctx).memTotalKb * 1024,
        })
      }
      if (path === '/containers/json') return json(200, containers)
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
})
