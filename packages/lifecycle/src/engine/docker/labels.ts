/** Labels on every object the engine creates: the only link between Docker and the `Decky` table. */
export const LABEL = {
  managed: 'decnet.managed',
  instance: 'decnet.instance',
  decky: 'decnet.decky',
  service: 'decnet.service',
  role: 'decnet.role',
  configHash: 'decnet.config-hash',
  /** On a base container whose decky IP is routed through the host shim: the shim's name, to drop the route at teardown. */
  shim: 'decnet.shim',
  ip: 'decnet.ip',
  /**
   * On a topology decky's base: the Docker networks it joins, comma-separated, the first holding its
   * address (a flat-LAN base has none and sits on the engine's LAN).
   */
  networks: 'decnet.networks',
  /** On a base container whose decky needs a stack shaper: the BPF program it must carry. */
  stackProgram: 'decnet.stack-program',
  /** On a custom service's container: its output is raw lines, not decoy events. */
  custom: 'decnet.custom',
  /**
   * On a decoy container: the digest of the built-in services it was created with (`DECNET_SERVICES`);
   * a live edit since then is in its services file (decoys' decky-services.ts).
   */
  services: 'decnet.services',
} as const

export const BASE_ROLE = 'base'
/** A custom service's container (an operator's image, one per service). */
export const SERVICE_ROLE = 'service'
/** The decky's decoy container: one process hosting all of its built-in services. */
export const DECOY_ROLE = 'decoy'
/** The decky's TCP/IP stack shaper (docs/tcp-stack.md): shares the base's namespace, runs no emulator. */
export const SHAPER_ROLE = 'shaper'

/** Label filters selecting what one engine instance manages (optionally one decky). */
export function managedFilter(instance: string, decky?: string): { label: string[] } {
  const label = [`${LABEL.managed}=true`, `${LABEL.instance}=${instance}`]
  if (decky) label.push(`${LABEL.decky}=${decky}`)
  return { label }
}

/**
 * Container names. Decky names never contain '.', so `<instance>-<decky>` (base) and
 * `<instance>-<decky>.<suffix>` cannot collide across deckies; the decoy's `.decoy` and the shaper's
 * `.stack` are neither a catalogue slug nor a custom service's `custom-<name>`.
 */
export function baseContainerName(instance: string, decky: string): string {
  return `${instance}-${decky}`
}

export function serviceContainerName(instance: string, decky: string, slug: string): string {
  return `${instance}-${decky}.${slug}`
}

export function decoyContainerName(instance: string, decky: string): string {
  return `${instance}-${decky}.decoy`
}

export function shaperContainerName(instance: string, decky: string): string {
  return `${instance}-${decky}.stack`
}
