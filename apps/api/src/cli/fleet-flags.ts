// `decnet deploy -n 5 --archetype linux-server --distro debian …`: the flags become one fleet INI
// section (`amount` expands it to <prefix>-01 … <prefix>-05), written by core's INI writer and read
// back by core's INI reader, the same code the server plans with. Nothing is validated twice: a flag
// the reader refuses comes back as the reader's message, named by the flag that set it.
import { describeLocation, isDecnetError, parseFleetIni, writeFleetIni } from '@decnet/core'

export type DeployFlags = {
  count?: string
  archetype?: string
  distro?: string
  services?: string
  namePrefix?: string
  host?: string
  nmapOs?: string
  mutateInterval?: string
}

/** The deploy options that describe deckies from flags (any of them makes it a flag deploy). */
export const FLEET_FLAG_KEYS = [
  'count',
  'archetype',
  'distro',
  'services',
  'namePrefix',
  'host',
  'nmapOs',
  'mutateInterval',
] as const satisfies readonly (keyof DeployFlags)[]

/** INI key → the flag an operator typed for it, so errors name what they can change. */
const FLAG_OF_KEY: Record<string, string> = {
  amount: '-n',
  archetype: '--archetype',
  distro: '--distro',
  services: '--services',
  host: '--host',
  nmap_os: '--nmap-os',
  mutate_interval: '--mutate-interval',
}

const DEFAULT_PREFIX = 'decky'

export class FlagError extends Error {
  override readonly name = 'FlagError'
}

export function hasFleetFlags(flags: DeployFlags): boolean {
  return FLEET_FLAG_KEYS.some((key) => flags[key] !== undefined)
}

function parseCount(text: string | undefined): number {
  if (text === undefined) return 1
  if (!/^\d{1,6}$/.test(text.trim()))
    throw new FlagError(`-n: expected a whole number of deckies, got "${text}"`)
  return Number(text)
}

function parseServices(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined
  const services = text
    .split(',')
    .map((service) => service.trim())
    .filter((service) => service !== '')
  if (services.length === 0) throw new FlagError('--services: name at least one service, e.g. ssh,http')
  return services
}

/** The reader's error for a flag-built INI, reworded to name the flag (or the name prefix). */
function flagMessage(error: unknown): string {
  if (!isDecnetError(error)) return error instanceof Error ? error.message : String(error)
  const location = error.location
  if (!location) return error.message
  const prefix = describeLocation(location)
  const reason =
    prefix && error.message.startsWith(`${prefix}: `) ? error.message.slice(prefix.length + 2) : error.message
  const flag = location.key ? FLAG_OF_KEY[location.key] : '--name-prefix'
  return flag ? `${flag}: ${reason}` : reason
}

/**
 * The fleet INI the flags describe, checked by the INI reader; throws FlagError naming the flag at
 * fault. The server plans it exactly as an INI file given with `-c`.
 */
export function fleetIniFromFlags(flags: DeployFlags): string {
  const amount = parseCount(flags.count)
  const services = parseServices(flags.services)
  const name = flags.namePrefix ?? flags.archetype ?? DEFAULT_PREFIX
  // Section names the reader gives another meaning: not a decky, so not a prefix.
  if (/^(general|default)$/i.test(name)) throw new FlagError(`--name-prefix: "${name}" is reserved`)
  let ini: string
  try {
    ini = writeFleetIni({
      deckies: [
        {
          name,
          amount,
          ...(services ? { services } : {}),
          ...(flags.archetype !== undefined ? { archetype: flags.archetype } : {}),
          ...(flags.distro !== undefined ? { distro: flags.distro } : {}),
          ...(flags.nmapOs !== undefined ? { osFamily: flags.nmapOs } : {}),
          ...(flags.mutateInterval !== undefined ? { mutateInterval: flags.mutateInterval } : {}),
          ...(flags.host !== undefined ? { host: flags.host } : {}),
        },
      ],
    })
    parseFleetIni(ini)
  } catch (error) {
    throw new FlagError(flagMessage(error))
  }
  return ini
}
