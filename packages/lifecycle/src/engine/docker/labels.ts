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
  /** On a base container whose decky needs a stack shaper: the BPF program it must carry. */
  stackProgram: 'decnet.stack-program',
  /** On a custom service's container: its output is raw lines, not decoy events. */
  custom: 'decnet.custom',
} as const

export const BASE_ROLE = 'base'
export const SERVICE_ROLE = 'service'
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
 * `<instance>-<decky>.<slug>` (service) cannot collide across deckies; the shaper's `.stack` suffix
 * is not a service slug.
 */
export function baseContainerName(instance: string, decky: string): string {
  return `${instance}-${decky}`
}

export function serviceContainerName(instance: string, decky: string, slug: string): string {
  return `${instance}-${decky}.${slug}`
}

export function shaperContainerName(instance: string, decky: string): string {
  return `${instance}-${decky}.stack`
}
