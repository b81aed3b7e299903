// Live service edits (fleet.editServices): services added to or removed from a running decky, judged
// by the same rules as a deploy (catalogue, OS family, ports, custom sections) before anything is
// committed. Only the changed services' containers are touched (the engine keeps the others).
import {
  findPortClash,
  getService,
  isServiceSlug,
  type ServiceSlug,
  serviceFitsFamily,
} from '../catalog/services.ts'
import { DecnetError, quote } from '../errors.ts'
import { parseCustomSection } from '../ini/custom.ts'
import { readIni } from '../ini/reader.ts'
import {
  type CustomService,
  isCustomServiceName,
  MAX_CUSTOM_SERVICES_PER_DECKY,
} from '../schemas/custom-service.ts'

export interface EditableDecky {
  name: string
  osFamily: string
  services: readonly string[]
  serviceConfig: Readonly<Record<string, Readonly<Record<string, unknown>> | undefined>>
  customServices: readonly CustomService[]
}

export interface ServiceEdit {
  add: readonly string[]
  remove: readonly string[]
  /** `[custom-<name>]` sections defining the custom services `add` names (line numbers are this text's). */
  customSections?: string
}

export interface EditedServices {
  services: ServiceSlug[]
  serviceConfig: Record<string, Record<string, unknown>>
  customServices: CustomService[]
}

const refuse = (decky: string, reason: string) =>
  new DecnetError('invalid_input', `decky ${quote(decky)}: ${reason}`)

/** The `[custom-<name>]` sections of an edit; any other section is refused at its line. */
function customDefinitions(text: string | undefined): Map<string, CustomService> {
  const defined = new Map<string, CustomService>()
  if (text === undefined || text.trim() === '') return defined
  for (const section of readIni(text)) {
    if (!section.name.startsWith('custom-')) {
      throw new DecnetError(
        'invalid_ini',
        `line ${section.line}, [${section.name}]: only [custom-<name>] sections belong here`,
        { line: section.line, section: section.name },
      )
    }
    defined.set(section.name, parseCustomSection(section))
  }
  return defined
}

/** The decky's services after `edit`, or the rule it breaks (DecnetError: invalid_input / invalid_ini). */
export function editServices(decky: EditableDecky, edit: ServiceEdit): EditedServices {
  const defined = customDefinitions(edit.customSections)
  const running = new Set([...decky.services, ...decky.customServices.map((service) => service.name)])
  const both = edit.add.find((name) => edit.remove.includes(name))
  if (both !== undefined) throw refuse(decky.name, `${quote(both)} is both added and removed`)
  if (edit.add.length === 0 && edit.remove.length === 0) throw refuse(decky.name, 'nothing to add or remove')
  for (const name of edit.remove) {
    if (!running.has(name)) throw refuse(decky.name, `it does not run ${quote(name)}`)
  }
  const services = decky.services.filter((slug) => !edit.remove.includes(slug)) as ServiceSlug[]
  let customServices = decky.customServices.filter((service) => !edit.remove.includes(service.name))
  for (const name of edit.add) {
    if (running.has(name)) throw refuse(decky.name, `it already runs ${quote(name)}`)
    if (isCustomServiceName(name)) {
      const service = defined.get(name)
      if (!service) throw refuse(decky.name, `no [${name}] section defines the custom service ${quote(name)}`)
      customServices = [...customServices, service]
    } else if (isServiceSlug(name)) {
      if (!serviceFitsFamily(name, decky.osFamily))
        throw refuse(decky.name, `service ${name} cannot run on a ${decky.osFamily} decky`)
      services.push(name)
    } else {
      throw refuse(decky.name, `unknown service ${quote(name)}`)
    }
  }
  if (services.length === 0) throw refuse(decky.name, 'a decky keeps at least one catalogue service')
  if (customServices.length > MAX_CUSTOM_SERVICES_PER_DECKY)
    throw refuse(decky.name, `at most ${MAX_CUSTOM_SERVICES_PER_DECKY} custom services`)
  const clash = findPortClash<string>([
    ...services.map((slug) => ({ name: slug, ports: getService(slug)?.ports ?? [] })),
    ...customServices,
  ])
  if (clash) {
    throw refuse(
      decky.name,
      `services ${clash.a} and ${clash.b} would both listen on ${clash.port.port}/${clash.port.protocol}`,
    )
  }
  // A removed service's settings go with it; an added one starts from its persona's defaults.
  const serviceConfig = Object.fromEntries(
    services.flatMap((slug) => {
      const config = decky.serviceConfig[slug]
      return config ? [[slug, { ...config }]] : []
    }),
  )
  return { services, serviceConfig, customServices }
}
