import type { PlannedDecky } from '@decnet/core'
import type { Decky, DeckyInput } from '@decnet/db'

/** A planned decky as the row the Decky table stores. */
export function toDeckyRow(decky: PlannedDecky): DeckyInput {
  return {
    name: decky.name,
    hostId: decky.hostId,
    ip: decky.ip,
    mac: decky.mac,
    hostname: decky.hostname,
    distro: decky.distro,
    archetype: decky.archetype,
    services: decky.services,
    serviceConfig: decky.serviceConfig,
    osFamily: decky.osFamily,
    mutateInterval: decky.mutateIntervalMinutes,
  }
}

/** A stored decky re-submitted unchanged (a replace-mode retry of one that failed or went missing). */
export function storedDeckyRow(decky: Decky): DeckyInput {
  return {
    name: decky.name,
    hostId: decky.hostId,
    ip: decky.ip,
    mac: decky.mac,
    hostname: decky.hostname,
    distro: decky.distro,
    archetype: decky.archetype,
    services: decky.services,
    serviceConfig: decky.serviceConfig,
    osFamily: decky.osFamily,
    mutateInterval: decky.mutateInterval,
  }
}
