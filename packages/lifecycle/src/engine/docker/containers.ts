import { createHash } from 'node:crypto'
import type { CustomService, TcpStackShaping } from '@decnet/core'
import { DECKY_SERVICES_DIR, DECKY_SERVICES_ENV, servicesDigest } from '@decnet/decoys/decky-services'
import { fileDropEnv } from '@decnet/decoys/file-drops'
import type Docker from 'dockerode'
import {
  CONTAINER_GATEWAY_DIR,
  GATEWAY_SOCKET_NAME,
  type GatewayAttachment,
} from '../../artifacts/gateway.ts'
import type { DeckySpec } from '../types.ts'
import { encodedServices } from './decoy-services.ts'
import {
  BASE_ROLE,
  baseContainerName,
  DECOY_ROLE,
  decoyContainerName,
  LABEL,
  SERVICE_ROLE,
  SHAPER_ROLE,
  serviceContainerName,
  shaperContainerName,
} from './labels.ts'
import { PIVOT_SYSCTLS, topologyNetworkName } from './topology.ts'

export type ContainerSettings = {
  instance: string
  networkName: string
  imageId: string
  /** Entry point of the base container (the decoy image's pause process). */
  baseCommand: string[]
  /** Command of the decoy container; the image's default when unset. */
  decoyCommand?: string[]
  /** Entry point of the stack shaper in the decoy image (run under the pause process). */
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
 * (a rebuilt image, another IP, a new persona, a replaced base) changes the hash, and an unchanged
 * decky keeps its containers. `live` is added after hashing: what the running container takes
 * without being replaced (the decoy's service set, applied in place).
 */
function withHash(
  name: string,
  options: Docker.ContainerCreateOptions,
  live: { env: string[]; labels: Record<string, string> } = { env: [], labels: {} },
): DesiredContainer {
  const hash = createHash('sha256').update(canonical(options)).digest('hex').slice(0, 32)
  return {
    name,
    hash,
    options: {
      ...options,
      Env: [...(options.Env ?? []), ...live.env],
      Labels: { ...options.Labels, ...live.labels, [LABEL.configHash]: hash },
    },
  }
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
  const networks = baseNetworks(spec, settings)
  const primary = networks[0] ?? settings.networkName
  // A pivot routes between its networks (namespaced: only its own stack forwards).
  const sysctls = { ...spec.sysctls, ...(spec.topology?.forwards ? PIVOT_SYSCTLS : {}) }
  return withHash(baseContainerName(settings.instance, spec.name), {
    Image: settings.imageId,
    Entrypoint: settings.baseCommand,
    Cmd: [],
    Hostname: spec.hostname,
    MacAddress: spec.mac,
    StopTimeout: settings.stopTimeoutSeconds,
    Labels: labels(settings, spec.name, BASE_ROLE, {
      [LABEL.ip]: spec.ip,
      ...(spec.topology ? { [LABEL.networks]: networks.join(',') } : {}),
      ...(shaping ? { [LABEL.stackProgram]: shaping.program } : {}),
      ...(shimName ? { [LABEL.shim]: shimName } : {}),
    }),
    HostConfig: {
      NetworkMode: primary,
      Sysctls: Object.fromEntries(Object.entries(sysctls).map(([key, value]) => [key, String(value)])),
      CapAdd: ['NET_ADMIN'],
      RestartPolicy: { Name: 'unless-stopped' },
      LogConfig: logConfig(settings),
    },
    NetworkingConfig: {
      EndpointsConfig: { [primary]: { IPAMConfig: { IPv4Address: spec.ip } } },
    },
  })
}

/** The Docker networks a decky's base joins, the one holding its address first: the LAN, or its topology's. */
function baseNetworks(spec: DeckySpec, settings: Pick<ContainerSettings, 'instance' | 'networkName'>) {
  return spec.topology
    ? spec.topology.links.map((link) => topologyNetworkName(settings.instance, link.network))
    : [settings.networkName]
}

/**
 * Confinement of a custom service's container (an operator's image parsing attacker bytes): the
 * limits one service container of the real decoy image was measured against (node 20, Docker
 * 20.10): idle 7.5-15 MiB, a 20 s flood (300 parallel oversized HTTP requests, 40 parallel OpenSSH
 * logins) peaked at 32 MiB and 11 pids. Memory is 4x that peak with no swap, pids about 6x, CPU half
 * a core so one flooded service cannot starve the host.
 */
export const SERVICE_CONFINEMENT = {
  memoryBytes: 128 * 1024 * 1024,
  pidsLimit: 64,
  nanoCpus: 500_000_000,
} as const

/**
 * Confinement of a decky's decoy container: one node process for all of the decky's built-in
 * services, so one decky's flood or fault stays in that decky. Memory is above the process's own
 * heap bound (decoys' DECOY_NODE_FLAGS: 128 MiB old generation), so a runaway heap ends in V8's own
 * out-of-memory exit and a restart of this decky's decoy; idle it holds ~22 MiB for ssh+http+ftp
 * (spec §10 fleet density, `pnpm --filter @decnet/lifecycle bench`). Pids and CPU as one service
 * had: node's threads do not multiply with services, and half a core per decky keeps a flooded decky
 * from starving the host. The emulators bind ports < 1024 as uid 65534 through Docker's default
 * ip_unprivileged_port_start=0 and only read the filesystem (their services file), so they need no
 * capability and no writable path.
 */
export const DECOY_CONFINEMENT = {
  memoryBytes: 192 * 1024 * 1024,
  pidsLimit: 64,
  nanoCpus: 500_000_000,
} as const

function confinement(limits: typeof SERVICE_CONFINEMENT | typeof DECOY_CONFINEMENT): Docker.HostConfig {
  return {
    CapDrop: ['ALL'],
    SecurityOpt: ['no-new-privileges'],
    ReadonlyRootfs: true,
    Memory: limits.memoryBytes,
    // Equal to Memory: no swap on top of it.
    MemorySwap: limits.memoryBytes,
    PidsLimit: limits.pidsLimit,
    NanoCpus: limits.nanoCpus,
  }
}

/**
 * The decky's decoy container: joins the base's network namespace and runs every built-in service of
 * the decky in one process, configured by env. The service set is applied live (not part of the
 * hash): the engine writes an edited set into the container's services volume and signals it.
 */
export function decoyContainer(
  spec: DeckySpec,
  baseId: string,
  settings: ContainerSettings,
): DesiredContainer {
  const services = encodedServices(spec)
  return withHash(
    decoyContainerName(settings.instance, spec.name),
    {
      Image: settings.imageId,
      ...(settings.decoyCommand ? { Cmd: settings.decoyCommand } : {}),
      StopTimeout: settings.stopTimeoutSeconds,
      Env: [
        `DECNET_DECKY=${spec.name}`,
        `DECNET_HOSTNAME=${spec.hostname}`,
        `DECNET_PERSONA=${JSON.stringify(spec.persona)}`,
        ...(spec.distro ? [`DECNET_DISTRO=${spec.distro}`] : []),
        'DECNET_BIND=0.0.0.0',
        // Every service gets them; only those showing a filesystem (shell, FTP) read them, so a
        // service added live finds them there.
        ...fileDropEnv(spec.fileDrops ?? []),
        // What the decky knows of its networks: its shell's traces, and where a pivot forwards to.
        ...(spec.topology ? [`DECNET_TOPOLOGY=${JSON.stringify(spec.topology)}`] : []),
        ...(settings.artifactGateway
          ? [
              `DECNET_ARTIFACT_GATEWAY=${CONTAINER_GATEWAY_DIR}/${GATEWAY_SOCKET_NAME}`,
              `DECNET_ARTIFACT_TOKEN=${settings.artifactGateway.tokenFor(spec.name)}`,
            ]
          : []),
      ],
      Labels: labels(settings, spec.name, DECOY_ROLE),
      // The services file's volume: anonymous, so it goes with the container (removed with `v`).
      Volumes: { [DECKY_SERVICES_DIR]: {} },
      HostConfig: {
        NetworkMode: `container:${baseId}`,
        RestartPolicy: { Name: 'unless-stopped' },
        LogConfig: logConfig(settings),
        ...confinement(DECOY_CONFINEMENT),
        // The gateway's socket directory, read-only: the decoy connects, it cannot write there.
        ...(settings.artifactGateway
          ? { Binds: [`${settings.artifactGateway.hostDir}:${CONTAINER_GATEWAY_DIR}:ro`] }
          : {}),
      },
    },
    {
      env: [`${DECKY_SERVICES_ENV}=${services}`],
      labels: { [LABEL.services]: servicesDigest(services) },
    },
  )
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
      ...confinement(SERVICE_CONFINEMENT),
      Tmpfs: CUSTOM_SCRATCH,
    },
  })
}

/**
 * Measured with the real decoy image on Docker 20.10: node running tc and ip one at a time as its
 * children peaks at 7 pids; once it attached the program only the pause process stays (~0.4 MiB).
 */
export const SHAPER_CONFINEMENT = {
  memoryBytes: 64 * 1024 * 1024,
  pidsLimit: 16,
} as const

/**
 * The decky's TCP/IP stack shaper: joins the base's network namespace, attaches the profile's
 * egress BPF program with tc, then (its pause process) idles under the restart policy so a daemon
 * restart (which gives the base a new namespace) redoes it. It alone holds NET_ADMIN + SYS_ADMIN (tc needs bpf(), which
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
