import type { DeckyTopology, FileDrop, Persona } from '@decnet/core/schemas'

/**
 * The contract every service emulator implements. The same emulator runs as the entry point of a
 * service container (config from env, events to stdout) and in-process for the local engine
 * (bind address given, events to a callback).
 */

/** One interaction, serialised as one JSON line on stdout. */
export type DecoyEvent = {
  ts: string
  decky: string
  service: string
  /** connect | disconnect | auth_attempt | command | request | scan | limit_reached | … */
  event: string
  src_ip: string
  src_port: number
  fields: Record<string, string | number | boolean | null>
  /** Names of `fields` that hold secrets as sent (passwords, keys): captured, but masked by the UI. */
  secret_fields?: string[]
}

export type EmittedEvent = Omit<DecoyEvent, 'ts' | 'decky' | 'service'>

export type ServiceConfigValue = string | number | boolean | string[]

export type EmulatorContext = {
  decky: string
  service: string
  /** Address to bind every listener to (`0.0.0.0` in a container, `127.x.y.z` in the local engine). */
  bindAddress: string
  /** Ports to listen on, from the catalogue unless a test overrides them. */
  ports: number[]
  /** Validated, coerced service configuration (keys from the catalogue's config schema). */
  config: Record<string, ServiceConfigValue>
  /**
   * The decky's persona: the one story every service of the decky tells (OS, build, hostname, domain,
   * hardware, boot time, and per service the product and version to announce). Read it; do not draw.
   */
  persona: Persona
  /** The persona's seed (kept while emulators move to `persona`; derive values with `personaValue`). */
  seed: string
  /** Hostname of the decky (for banners, prompts). */
  hostname: string
  /** Catalogue distro slug of the decky (ubuntu22, debian, rocky9…), so banners match the OS story. */
  distro?: string
  /** Bait files an admin placed in the decky's filesystem (services that show one: shell, FTP). */
  fileDrops?: FileDrop[]
  /**
   * The decky's networks, links and neighbours when it is part of a topology; absent on a flat LAN.
   * The shell draws its network traces from it, and a pivot's SSH forwards to its neighbours.
   */
  topology?: DeckyTopology
  emit(event: EmittedEvent): void
  /** Overrides of the per-listener connection limits (tests shorten timeouts; defaults suit production). */
  limits?: ConnectionLimits
}

export type ConnectionLimits = {
  /** Concurrent connections per listener; more are closed at once. */
  maxConnections?: number
  /** A connection that sends nothing for this long is closed. */
  idleTimeoutMs?: number
  /** No connection lives longer than this, however chatty (slow-drip clients). */
  maxSessionMs?: number
  /** Events one connection may emit before the rest are only counted. */
  maxEventsPerConnection?: number
  /** Unread reply bytes queued for a peer before its connection stops being read. */
  maxPendingOutputBytes?: number
}

export type RunningEmulator = {
  /** The ports actually bound (useful when a test asked for port 0). */
  ports: number[]
  close(): Promise<void>
}

export type Emulator = {
  slug: string
  /**
   * The protocol's well-known ports, used when the caller gives none (container entry point,
   * `startEmulator`). The catalogue in @decnet/core stays the source of truth for deployments.
   */
  defaultPorts?: number[]
  start(context: EmulatorContext): Promise<RunningEmulator>
}

/** Loads an emulator's module on demand (so a process only parses the emulators it runs). */
export type EmulatorLoader = () => Promise<Emulator>
