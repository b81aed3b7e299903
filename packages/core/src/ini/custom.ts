// `[custom-<name>]` sections: a service run from an image already on the engine. Strict on purpose:
// the section only names an image, its ports, command and environment; anything that would reach
// the host (mounts, privileges, capabilities, devices, another network) is refused at its line,
// since the container shares its decky's network namespace and parses attacker bytes.
import { PORT_PROTOCOLS, type PortProtocol, type ServicePort } from '../catalog/services.ts'
import { type IniLocation, iniError, quote } from '../errors.ts'
import {
  CUSTOM_SERVICE_NAME_RE,
  type CustomService,
  MAX_CUSTOM_COMMAND_ARGS,
  MAX_CUSTOM_ENV,
  MAX_CUSTOM_PORTS,
} from '../schemas/custom-service.ts'
import type { IniSection } from './reader.ts'

const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*'
const DOMAIN_LABEL = '[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?'
const DOMAIN = `${DOMAIN_LABEL}(?:\\.${DOMAIN_LABEL})*(?::[0-9]{1,5})?`
/** Docker's reference grammar (distribution/reference): [domain/]path[:tag][@sha256:digest]. */
export const IMAGE_REFERENCE_RE = new RegExp(
  `^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`,
)
export const MAX_IMAGE_REFERENCE_LENGTH = 255
/** Keys are lower case (the reader folds them, as configparser does); the variable is the upper-cased rest. */
const ENV_NAME_RE = /^[a-z_][a-z0-9_]{0,63}$/
const ENV_KEY_PREFIX = 'env_'

/** Keys a container runtime knows that a custom service may never set, with why. */
const REFUSED_KEYS: ReadonlyArray<{ keys: readonly string[]; reason: string }> = [
  {
    keys: [
      'privileged',
      'cap_add',
      'cap-add',
      'capabilities',
      'cap',
      'devices',
      'device',
      'security_opt',
      'user',
    ],
    reason:
      'privileged flags, capabilities, devices and security options are not allowed: custom services run confined like every decoy',
  },
  {
    keys: ['volumes', 'volume', 'mounts', 'mount', 'binds', 'bind', 'tmpfs', 'workdir_mount'],
    reason: 'host mounts are not allowed: a custom service sees only its own image',
  },
  {
    keys: [
      'network',
      'network_mode',
      'network-mode',
      'net',
      'pid',
      'ipc',
      'uts',
      'userns',
      'hostname',
      'dns',
    ],
    reason:
      "network and namespace overrides are not allowed: a custom service joins its decky's network namespace",
  },
  {
    keys: ['binary', 'exec'],
    reason: 'custom services run an image: use image = <reference> and command = <argv>',
  },
]
const ALLOWED_KEYS = ['image', 'ports', 'command', `${ENV_KEY_PREFIX}<NAME>`]

export function imageReferenceProblem(value: string): string | undefined {
  if (value.length > MAX_IMAGE_REFERENCE_LENGTH)
    return `image reference is longer than ${MAX_IMAGE_REFERENCE_LENGTH} characters`
  if (!IMAGE_REFERENCE_RE.test(value))
    return `${quote(value)} is not an image reference (repository[:tag][@sha256:digest], lower case)`
  return undefined
}

function parsePorts(value: string, at: IniLocation): ServicePort[] {
  const items = value.split(',').map((item) => item.trim())
  if (items.length > MAX_CUSTOM_PORTS) throw iniError(at, `at most ${MAX_CUSTOM_PORTS} ports`)
  const ports: ServicePort[] = []
  for (const item of items) {
    const match = /^(\d{1,5})(?:\/([a-z]+))?$/.exec(item)
    const port = Number(match?.[1])
    const protocol = (match?.[2] ?? 'tcp') as PortProtocol
    if (!match || port < 1 || port > 65_535)
      throw iniError(at, `${quote(item)} is not a port from 1 to 65535 (optionally /tcp or /udp)`)
    if (!PORT_PROTOCOLS.includes(protocol))
      throw iniError(at, `${quote(item)}: protocol must be one of ${PORT_PROTOCOLS.join(', ')}`)
    if (ports.some((other) => other.port === port && other.protocol === protocol))
      throw iniError(at, `port ${port}/${protocol} is listed twice`)
    ports.push({ port, protocol })
  }
  return ports
}

/** A JSON array of strings (for arguments with spaces) or words separated by whitespace. */
function parseCommand(value: string, at: IniLocation): string[] {
  let argv: unknown = value.split(/\s+/).filter((word) => word !== '')
  if (value.trimStart().startsWith('[')) {
    try {
      argv = JSON.parse(value)
    } catch {
      throw iniError(at, 'a command starting with [ must be a JSON array of strings')
    }
  }
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((arg) => typeof arg === 'string'))
    throw iniError(at, 'command must be words or a non-empty JSON array of strings')
  if (argv.length > MAX_CUSTOM_COMMAND_ARGS)
    throw iniError(at, `command has more than ${MAX_CUSTOM_COMMAND_ARGS} arguments`)
  return argv
}

/** Reads one `[custom-<name>]` section; every refusal names its line. */
export function parseCustomSection(section: IniSection): CustomService {
  const where = { line: section.line, section: section.name }
  if (!CUSTOM_SERVICE_NAME_RE.test(section.name))
    throw iniError(where, `invalid custom service name: names must match ${CUSTOM_SERVICE_NAME_RE.source}`)
  let image: string | undefined
  let ports: ServicePort[] | undefined
  let command: string[] = []
  const env: Record<string, string> = {}
  for (const [key, entry] of section.entries) {
    const at = { line: entry.line, section: section.name, key }
    const refused = REFUSED_KEYS.find((rule) => rule.keys.includes(key))
    if (refused) throw iniError(at, refused.reason)
    if (key.startsWith(ENV_KEY_PREFIX)) {
      const name = key.slice(ENV_KEY_PREFIX.length).toUpperCase()
      if (!ENV_NAME_RE.test(name.toLowerCase()))
        throw iniError(at, `${quote(name)} is not an environment variable name`)
      if (name.startsWith('DECNET_')) throw iniError(at, 'DECNET_ variables are set by DECNET itself')
      if (Object.keys(env).length >= MAX_CUSTOM_ENV) throw iniError(at, `at most ${MAX_CUSTOM_ENV} variables`)
      env[name] = entry.value
      continue
    }
    if (entry.value === '') throw iniError(at, 'value is empty')
    if (key === 'image') {
      const problem = imageReferenceProblem(entry.value)
      if (problem) throw iniError(at, problem)
      image = entry.value
    } else if (key === 'ports') ports = parsePorts(entry.value, at)
    else if (key === 'command') command = parseCommand(entry.value, at)
    else throw iniError(at, `unknown key in a custom service section (allowed: ${ALLOWED_KEYS.join(', ')})`)
  }
  if (image === undefined) throw iniError(where, 'a custom service needs image = <reference>')
  if (ports === undefined) throw iniError(where, 'a custom service needs ports = <port>[/tcp|/udp], …')
  return { name: section.name, image, ports, command, env }
}
