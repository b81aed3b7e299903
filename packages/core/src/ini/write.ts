// Renders a fleet INI from structured input (the wizard and `decnet export fleet` build INIs with
// this), so what they submit always parses back to the same fleet: one exact [<decky>.<service>]
// section per decky (never prefix propagation) and textarea values as `b64:` so newlines survive.
//
// The `ini` package lays the document out; the values stay ours. Two behaviours of `ini` do not fit
// our strict reader, which takes every value literally (as configparser does):
// - `ini.safe` escapes `;` and `#` (`\;`) and JSON-quotes a value holding `=`, a leading `[`,
//   surrounding quotes or blanks. Our reader would keep the backslash or the quotes as part of the
//   value (`base_dn = dc=corp,dc=local` would come back as `"dc=corp,dc=local"`). Such values pass
//   through `ini` as opaque slots and are put back verbatim.
// - a nested object's key is a section name with its dots escaped (`{'web-01.http': …}` is written
//   `[web-01\.http]`), so every section is encoded by its full name instead.
import { encode, safe } from 'ini'
import { encodeField, LINE_CONTROL_RE } from '../catalog/service-config.ts'
import { type ConfigValue, getService } from '../catalog/services.ts'
import { DecnetError, quote } from '../errors.ts'
import type { CustomService } from '../schemas/custom-service.ts'
import { NETWORK_SECTION_PREFIX } from '../topology/ini.ts'
import type { GeneralSettings } from './fleet.ts'
import { LONE_SURROGATE_RE } from './reader.ts'

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
  /** Topology networks it joins (`networks = a, b`); the entry network when absent. */
  networks?: readonly string[]
  serviceConfig?: Readonly<Record<string, Readonly<Record<string, ConfigValue>>>>
  /** Listed after `services` and written once each as a `[custom-<name>]` section. */
  customServices?: readonly CustomService[]
}

export interface IniNetworkInput {
  name: string
  subnet: string
  gateway?: string
  driver?: string
  entry?: boolean
}

export interface IniFleetInput {
  general?: GeneralSettings
  /** Topology networks, written as `[network.<name>]` sections. */
  networks?: readonly IniNetworkInput[]
  deckies: readonly IniDeckyInput[]
}

type Entry = [key: string, value: string | number | undefined]

// A slot holds a value `ini` would rewrite. NUL cannot occur in a written value (LINE_CONTROL_RE refuses it).
// biome-ignore lint/suspicious/noControlCharactersInRegex: the slot marker is a NUL on purpose
const SLOT_RE = /\u0000(\d+)\u0000/g

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

/** One `[name]` section; a value is one line, so a line break in it could forge keys or sections. */
function encodeSection(name: string, entries: readonly Entry[]): string {
  const slots: string[] = []
  const body: Record<string, string> = {}
  for (const [key, raw] of entries) {
    if (raw === undefined) continue
    const value = String(raw)
    if (LINE_CONTROL_RE.test(value)) {
      throw new DecnetError(
        'invalid_input',
        `[${name}] ${key}: cannot be written to an INI: it contains a line break or control character`,
      )
    }
    // The reader refuses a line holding a lone surrogate, so the writer refuses the value.
    if (LONE_SURROGATE_RE.test(value)) {
      throw new DecnetError(
        'invalid_input',
        `[${name}] ${key}: cannot be written to an INI: it is not valid Unicode`,
      )
    }
    if (safe(value) === value) {
      body[key] = value
    } else {
      slots.push(value)
      body[key] = `\u0000${slots.length - 1}\u0000`
    }
  }
  const text = encode(body, { section: name, whitespace: true, platform: 'linux' })
  // `ini` writes no header for a section without keys; a decky needs none to exist.
  if (text === '') return `[${name}]\n`
  return text.replace(SLOT_RE, (_, index: string) => slots[Number(index)] ?? '')
}

/** A `[custom-<name>]` section that reads back as the same service (command as JSON: words may hold spaces). */
function customSection(service: CustomService): string {
  return encodeSection(service.name, [
    ['image', service.image],
    ['ports', service.ports.map(({ port, protocol }) => `${port}/${protocol}`).join(',')],
    ['command', service.command.length > 0 ? JSON.stringify(service.command) : undefined],
    ...Object.entries(service.env).map(([name, value]): Entry => [`env_${name.toLowerCase()}`, value]),
  ])
}

/** Each custom service once; one name defined two ways across deckies cannot be one section. */
function customSections(deckies: readonly IniDeckyInput[]): string[] {
  const byName = new Map<string, string>()
  for (const service of deckies.flatMap((decky) => decky.customServices ?? [])) {
    const section = customSection(service)
    const written = byName.get(service.name)
    if (written !== undefined && written !== section) {
      throw new DecnetError(
        'invalid_input',
        `[${service.name}]: deckies define this custom service differently; one INI holds one definition`,
      )
    }
    byName.set(service.name, section)
  }
  return [...byName.values()]
}

export function writeFleetIni(input: IniFleetInput): string {
  const blocks: string[] = []
  const g = input.general
  if (g && Object.values(g).some((v) => v !== undefined)) {
    blocks.push(
      encodeSection('general', [
        ['net', g.subnet],
        ['gw', g.gateway],
        ['interface', g.interface],
        ['driver', g.driver],
        ['mutate_interval', g.mutateIntervalMinutes],
      ]),
    )
  }
  for (const network of input.networks ?? []) {
    blocks.push(
      encodeSection(`${NETWORK_SECTION_PREFIX}${network.name}`, [
        ['subnet', network.subnet],
        ['gateway', network.gateway],
        ['driver', network.driver],
        ['entry', network.entry ? 'true' : undefined],
      ]),
    )
  }
  for (const decky of input.deckies) {
    blocks.push(
      encodeSection(decky.name, [
        ['ip', decky.ip],
        [
          'services',
          decky.services &&
            [...decky.services, ...(decky.customServices ?? []).map((service) => service.name)].join(','),
        ],
        ['archetype', decky.archetype],
        ['distro', decky.distro],
        ['nmap_os', decky.osFamily],
        ['mutate_interval', decky.mutateInterval],
        ['host', decky.host],
        ['networks', decky.networks?.join(', ')],
        ['amount', decky.amount !== undefined && decky.amount !== 1 ? decky.amount : undefined],
      ]),
    )
    for (const [service, values] of Object.entries(decky.serviceConfig ?? {})) {
      const entries = Object.entries(values).map(([k, v]): Entry => [k, renderValue(service, k, v)])
      // A persona section without settings says nothing; leaving it out keeps the INI minimal.
      if (entries.length > 0) blocks.push(encodeSection(`${decky.name}.${service}`, entries))
    }
  }
  blocks.push(...customSections(input.deckies))
  return blocks.join('\n')
}
