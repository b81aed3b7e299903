import { createHash } from 'node:crypto'
import type { CustomService, TcpStackShaping } from '@decnet/core'
import { fileDropEnv } from '@decnet/decoys/file-drops'
import type Docker from 'dockerode'
import {
  CONTAINER_GATEWAY_DIR,
  GATEWAY_SOCKET_NAME,
  type GatewayAttachment,
} from '../../artifacts/gateway.ts'
import { fileDropsOf } from '../spec.ts'
import type { DeckyServiceSpec, DeckySpec } from '../types.ts'
import {
  BASE_ROLE,
  baseContainerName,
  LABEL,
  SERVICE_ROLE,
  SHAPER_ROLE,
  serviceContainerName,
  shaperContainerName,
} from './labels.ts'

export type ContainerSettings = {
  instance: string
  networkName: string
  imageId: string
  baseCommand: string[]
  serviceCommand?: string[]
  /** Entry point of the stack shaper in the decoy image. */
  shaperCommand: string[]
  logMaxSize: string
  stopTimeoutSeconds: number
  artifactGateway?: GatewayAttachment
}

export type DesiredContainer = { name: string; hash: string; options: Docker.ContainerCreateOptions }

/** JSON with sorted keys, so equal settings always hash alike. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined)
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

/**
 * Hashes the complete create options (image id included), so any change that needs a new container
 * (a rebuilt image, another IP, a new service config, a replaced base) changes the hash, and an
 * unchanged decky keeps its containers.
 */
function withHash(name: string, options: Docker.ContainerCreateOptions): DesiredContainer {
  const hash = createHash('sha256').update(canonical(options)).digest('hex').slice(0, 32)
  return { name, hash, options: { ...options, Labels: { ...options.Labels, [LABEL.configHash]: hash } } }
}

function logConfig(settings: ContainerSettings): Docker.HostConfig['LogConfig'] {
  return { Type: 'json-file', Config: { 'max-size': settings.logMaxSize, 'max-file': '3' } }
}

function labels(
  settings: ContainerSettings,
  decky: string,
  role: string,
  extra: Record<string, string> = {},
) {
  return {
    [LABEL.managed]: 'true',
    [LABEL.instance]: settings.instance,
    [LABEL.decky]: decky,
    [LABEL.role]: role,
    ...extra,
  }
}

/** The base container: owns the decky's IP, MAC, hostname and OS-shaped network stack; runs only the pause process. */
export function baseContainer(
  spec: DeckySpec,
  settings: ContainerSettings,
  shimName?: string,
  shaping?: TcpStackShaping,
): DesiredContainer {
  return withHash(baseContainerName(settings.instance, spec.name), {
    Image: settings.imageId,
    Cmd: settings.baseCommand,
    Hostname: spec.hostname,
    MacAddress: spec.mac,
    StopTimeout: settings.stopTimeoutSeconds,
    Labels: labels(settings, spec.name, BASE_ROLE, {
      [LABEL.ip]: spec.ip,
      ...(shaping ? { [LABEL.stackProgram]: shaping.program } : {}),
      ...(shimName ? { [LABEL.shim]: shimName } : {}),
    }),
    HostConfig: {
      NetworkMode: settings.networkName,
      Sysctls: Object.fromEntries(Object.entries(spec.sysctls).map(([key, value]) => [key, String(value)])),
      CapAdd: ['NET_ADMIN'],
      RestartPolicy: { Name: 'unless-stopped' },
      LogConfig: logConfig(settings),
    },
    NetworkingConfig: {
      EndpointsConfig: { [settings.networkName]: { IPAMConfig: { IPv4Address: spec.ip } } },
    },
  })
}

/**
 * Confinement of every service container (they parse attacker bytes). Measured with the real decoy
 * image (node 20, one emulator per container) on Docker 20.10: idle 7.5-15 MiB across all 28
 * services (docker-real-decoy.test.ts prints them) and 11 pids (node's threads); under a 20 s flood
 * (300 parallel oversized HTTP requests, 40 parallel OpenSSH logins) RSS peaked at 32 MiB, pids
 * stayed at 11. Memory is 4x that peak with no swap, pids about
 * 6x, CPU half a core so one flooded decoy cannot starve the host. The emulators bind ports < 1024
 * as uid 65534 through Docker's default ip_unprivileged_port_start=0 and never touch the filesystem
 * (no fs import in @decnet/decoys; all 28 deploy and answer with a read-only root), so they need no
 * capability, no writable path and no tmpfs.
 */
export const SERVICE_CONFINEMENT = {
  memoryBytes: 128 * 1024 * 1024,
  pidsLimit: 64,
  nanoCpus: 500_000_000,
} as const

function serviceConfinement(): Docker.HostConfig {
  return {
    CapDrop: ['ALL'],
    SecurityOpt: ['no-new-privileges'],
    ReadonlyRootfs: true,
    Memory: SERVICE_CONFINEMENT.memoryBytes,
    // Equal to Memory: no swap on top of it.
    MemorySwap: SERVICE_CONFINEMENT.memoryBytes,
    PidsLimit: SERVICE_CONFINEMENT.pidsLimit,
    NanoCpus: SERVICE_CONFINEMENT.nanoCpus,
  }
}

/** A service container: joins the base's network namespace and runs one emulator configured by env. */
export function serviceContainer(
  spec: DeckySpec,
  service: DeckyServiceSpec,
  baseId: string,
  settings: ContainerSettings,
): DesiredContainer {
  return withHash(serviceContainerName(settings.instance, spec.name, service.slug), {
    Image: settings.imageId,
    ...(settings.serviceCommand ? { Cmd: settings.serviceCommand } : {}),
    StopTimeout: settings.stopTimeoutSeconds,
    Env: [
      `DECNET_DECKY=${spec.name}`,
      `DECNET_SERVICE=${service.slug}`,
      `DECNET_HOSTNAME=${spec.hostname}`,
      `DECNET_SEED=${spec.seed}`,
      `DECNET_PERSONA=${JSON.stringify(spec.persona)}`,
      ...(spec.distro ? [`DECNET_DISTRO=${spec.distro}`] : []),
      `DECNET_SERVICE_CONFIG=${JSON.stringify(service.config)}`,
      'DECNET_BIND=0.0.0.0',
      `DECNET_PORTS=${[...new Set(service.ports.map(({ port }) => port))].join(',')}`,
      ...fileDropEnv(fileDropsOf(spec, service.slug)),
      ...(settings.artifactGateway
        ? [
            `DECNET_ARTIFACT_GATEWAY=${CONTAINER_GATEWAY_DIR}/${GATEWAY_SOCKET_NAME}`,
            `DECNET_ARTIFACT_TOKEN=${settings.artifactGateway.tokenFor(spec.name)}`,
          ]
        : []),
    ],
    Labels: labels(settings, spec.name, SERVICE_ROLE, { [LABEL.service]: service.slug }),
    HostConfig: {
      NetworkMode: `container:${baseId}`,
      RestartPolicy: { Name: 'unless-stopped' },
      LogConfig: logConfig(settings),
      ...serviceConfinement(),
      // The gateway's socket directory, read-only: the decoy connects, it cannot write there.
      ...(settings.artifactGateway
        ? { Binds: [`${settings.artifactGateway.hostDir}:${CONTAINER_GATEWAY_DIR}:ro`] }
        : {}),
    },
  })
}

/** Writable scratch space a custom image may need under the read-only root (memory-backed, no exec). */
const CUSTOM_SCRATCH = { '/tmp': 'rw,noexec,nosuid,nodev,size=16m' }

/**
 * A custom service's container: the operator's image (by the id it resolved to, so a rebuilt image
 * is a new container) in the base's network namespace, under the same confinement as every decoy and
 * with no mount from the host: it parses attacker bytes with code DECNET did not write.
 */
export function customServiceContainer(
  spec: DeckySpec,
  service: CustomService,
  imageId: string,
  baseId: string,
  settings: ContainerSettings,
): DesiredContainer {
  return withHash(serviceContainerName(settings.instance, spec.name, service.name), {
    Image: imageId,
    ...(service.command.length > 0 ? { Cmd: service.command } : {}),
    StopTimeout: settings.stopTimeoutSeconds,
    Env: Object.entries(service.env).map(([name, value]) => `${name}=${value}`),
    Labels: labels(settings, spec.name, SERVICE_ROLE, {
      [LABEL.service]: service.name,
      [LABEL.custom]: 'true',
    }),
    HostConfig: {
      NetworkMode: `container:${baseId}`,
      RestartPolicy: { Name: 'unless-stopped' },
      LogConfig: logConfig(settings),
      ...serviceConfinement(),
      Tmpfs: CUSTOM_SCRATCH,
    },
  })
}

/**
 * Measured with the real decoy image on Docker 20.10: the idle shaper (node after its tc and ip
 * runs) holds 6.7 MiB and 7 pids (node's threads; tc and ip run one at a time as its child).
 */
export const SHAPER_CONFINEMENT = {
  memoryBytes: 64 * 1024 * 1024,
  pidsLimit: 16,
} as const

/**
 * The decky's TCP/IP stack shaper: joins the base's network namespace, attaches the profile's
 * egress BPF program with tc, then idles under the restart policy so a daemon restart (which gives
 * the base a new namespace) redoes it. It alone holds NET_ADMIN + SYS_ADMIN (tc needs bpf(), which
 * Docker 20.10's default seccomp profile grants with SYS_ADMIN only); it parses no attacker bytes,
 * and the base and service containers keep their own, smaller sets.
 */
export function shaperContainer(
  spec: DeckySpec,
  shaping: TcpStackShaping,
  baseId: string,
  settings: ContainerSettings,
): DesiredContainer {
  return withHash(shaperContainerName(settings.instance, spec.name), {
    Image: settings.imageId,
    Entrypoint: settings.shaperCommand,
    Cmd: [],
    User: '0:0',
    StopTimeout: settings.stopTimeoutSeconds,
    Env: [
      `DECNET_TCP_STACK_PROGRAM=${shaping.program}`,
      ...(shaping.ingressProgram ? [`DECNET_TCP_STACK_INGRESS_PROGRAM=${shaping.ingressProgram}`] : []),
      ...(shaping.routeWindowClamp ? [`DECNET_ROUTE_WINDOW=${shaping.routeWindowClamp}`] : []),
    ],
    Labels: labels(settings, spec.name, SHAPER_ROLE),
    HostConfig: {
      NetworkMode: `container:${baseId}`,
      RestartPolicy: { Name: 'unless-stopped' },
      LogConfig: logConfig(settings),
      CapDrop: ['ALL'],
      CapAdd: ['NET_ADMIN', 'SYS_ADMIN'],
      SecurityOpt: ['no-new-privileges'],
      ReadonlyRootfs: true,
      Memory: SHAPER_CONFINEMENT.memoryBytes,
      MemorySwap: SHAPER_CONFINEMENT.memoryBytes,
      PidsLimit: SHAPER_CONFINEMENT.pidsLimit,
    },
  })
}
