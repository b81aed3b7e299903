// Renders a fleet INI from structured input (the wizard and CLI build INIs with this), so what
// they submit always parses back to the same fleet: one exact [<decky>.<service>] section per
// decky (never prefix propagation) and textarea values as `b64:` so newlines survive.
import { encodeField } from '../catalog/service-config.ts'
import { type ConfigValue, getService } from '../catalog/services.ts'
import { DecnetError, quote } from '../errors.ts'
import type { GeneralSettings } from './fleet.ts'

export interface IniDeckyInput {
  name: string
  amount?: number
  ip?: string
  services?: readonly string[]
  archetype?: string
  distro?: string
  osFamily?: string
  /** Minutes, or an interval string such as "2h". */
  mutateInterval?: number | string
  host?: string
  serviceConfig?: Readonly<Record<string, Readonly<Record<string, ConfigValue>>>>
}

export interface IniFleetInput {
  general?: GeneralSettings
  deckies: readonly IniDeckyInput[]
}

function renderValue(service: string, key: string, value: ConfigValue): string {
  const field = getService(service)?.config.find((f) => f.key === key)
  if (!field) throw new DecnetError('invalid_input', `service ${service}: unknown config key ${quote(key)}`)
  const encoded = encodeField(field, value)
  if (!encoded.ok) {
    throw new DecnetError(
      'invalid_input',
      `service ${service}: ${key}: cannot be written to an INI: ${encoded.reason}`,
    )
  }
  return encoded.text
}

function section(name: string, entries: [string, string | number | undefined][]): string {
  const lines = entries.filter(([, v]) => v !== undefined).map(([k, v]) => `${k} = ${v}`)
  return [`[${name}]`, ...lines].join('\n')
}

export function writeFleetIni(input: IniFleetInput): string {
  const blocks: string[] = []
  const g = input.general
  if (g && Object.values(g).some((v) => v !== undefined)) {
    blocks.push(
      section('general', [
        ['net', g.subnet],
        ['gw', g.gateway],
        ['interface', g.interface],
        ['driver', g.driver],
        ['mutate_interval', g.mutateIntervalMinutes],
      ]),
    )
  }
  for (const decky of input.deckies) {
    blocks.push(
      section(decky.name, [
        ['ip', decky.ip],
        ['services', decky.services?.join(',')],
        ['archetype', decky.archetype],
        ['distro', decky.distro],
        ['nmap_os', decky.osFamily],
        ['mutate_interval', decky.mutateInterval],
        ['host', decky.host],
        ['amount', decky.amount !== undefined && decky.amount !== 1 ? decky.amount : undefined],
      ]),
    )
    for (const [service, values] of Object.entries(decky.serviceConfig ?? {})) {
      const entries = Object.entries(values).map(([k, v]): [string, string] => [
        k,
        renderValue(service, k, v),
      ])
      blocks.push(section(`${decky.name}.${service}`, entries))
    }
  }
  return `${blocks.join('\n\n')}\n`
}
