// buildIni: the fleet INI a draft describes, written by core's writer so the API's strict reader
// parses it back to the same fleet. Secrets can be masked for display.

import { type ConfigValue, type IniDeckyInput, writeFleetIni } from '@decnet/core'
import { errorMessage } from '@/lib/errors.ts'
import type { Draft } from './draft.ts'
import {
  chosenSettings,
  type DraftContext,
  effectiveServices,
  findField,
  isSecretField,
  plannedIps,
  plannedNames,
  plannedNetworks,
  type SettingsBySlug,
} from './plan.ts'
import { DRAFT_MESSAGES } from './validate.ts'

export const SECRET_MASK = '••••••••'

export type IniResult = { ok: true; ini: string; hasSecrets: boolean } | { ok: false; error: string }

function maskSecrets(settings: SettingsBySlug, context: DraftContext): SettingsBySlug {
  const masked: SettingsBySlug = {}
  for (const [slug, values] of Object.entries(settings)) {
    masked[slug] = Object.fromEntries(
      Object.entries(values).map(([key, value]): [string, ConfigValue] => [
        key,
        isSecretField(findField(context, slug, key)) && typeof value === 'string' ? SECRET_MASK : value,
      ]),
    )
  }
  return masked
}

export function buildIni(
  draft: Draft,
  context: DraftContext,
  options: { maskSecrets?: boolean } = {},
): IniResult {
  const services = effectiveServices(draft, context)
  const settings = chosenSettings(draft, services)
  const hasSecrets = Object.entries(settings).some(([slug, values]) =>
    Object.keys(values).some((key) => isSecretField(findField(context, slug, key))),
  )
  const serviceConfig = options.maskSecrets ? maskSecrets(settings, context) : settings
  const ips = plannedIps(draft)
  const names = plannedNames(draft, context.taken)
  const joins = plannedNetworks(draft, names.length)
  const deckies = names.map(
    (name, index): IniDeckyInput => ({
      name,
      ...(joins[index]?.length ? { networks: joins[index] } : {}),
      ...(ips[index] ? { ip: ips[index] } : {}),
      ...(draft.placement ? { host: draft.placement } : {}),
      ...(draft.pickMode === 'archetype' && draft.archetype ? { archetype: draft.archetype } : { services }),
      ...(draft.distro ? { distro: draft.distro } : {}),
      ...(draft.intervalMode === 'custom' ? { mutateInterval: draft.interval.trim() } : {}),
      serviceConfig,
    }),
  )
  try {
    const networks = draft.networks.map((network) => ({
      name: network.name.trim(),
      subnet: network.subnet.trim(),
      ...(network.entry ? { entry: true } : {}),
    }))
    return { ok: true, ini: writeFleetIni({ networks, deckies }), hasSecrets }
  } catch (error) {
    // The writer refuses values that would not read back unchanged; validateDraft reports those
    // first, so this is the last line of defence, shown on the review step.
    return { ok: false, error: DRAFT_MESSAGES.iniNotWritable(errorMessage(error)) }
  }
}
