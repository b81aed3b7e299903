import type { Persona } from '@decnet/core/schemas'
import { lastBootMs, personaStream } from './persona-facts.ts'

/**
 * When things happened on the host, so file dates tell one story: the OS release came out, the host
 * was installed after it, the running kernel was built and installed later, the host booted, and only
 * logs and sessions are newer than the boot. Each persona has its own dates.
 */
export type HostTimeline = {
  releaseMs: number
  installMs: number
  kernelBuiltMs: number
  kernelInstalledMs: number
  bootMs: number
}

const DAY = 86_400_000

/** Release dates of the distro versions personas claim (first matching key wins: exact, then major). */
const RELEASES: Record<string, string> = {
  'debian 10': '2019-07-06',
  'debian 11': '2021-08-14',
  'debian 12': '2023-06-10',
  'debian 13': '2025-08-09',
  'ubuntu 18.04': '2018-04-26',
  'ubuntu 20.04': '2020-04-23',
  'ubuntu 22.04': '2022-04-21',
  'ubuntu 24.04': '2024-04-25',
  'rocky 8': '2021-06-21',
  'rocky 9': '2022-07-14',
  'rocky 9.2': '2023-05-16',
  'rocky 9.3': '2023-11-20',
  'rocky 9.4': '2024-05-09',
  'rocky 9.5': '2024-11-19',
  'almalinux 9': '2022-05-26',
  'rhel 9': '2022-05-17',
  'centos 7': '2014-07-07',
  'fedora 39': '2023-11-07',
  'fedora 40': '2024-04-23',
  'fedora 41': '2024-10-29',
  'alpine 3.18': '2023-05-09',
  'alpine 3.19': '2023-12-07',
  'alpine 3.20': '2024-05-22',
  'alpine 3.21': '2024-12-05',
}

export function osReleaseMs(persona: Persona): number | undefined {
  const { id, versionId } = persona.os
  const [major = '', minor] = versionId.split('.')
  const candidates = [`${id} ${versionId}`, `${id} ${major}.${minor ?? ''}`, `${id} ${major}`]
  for (const key of candidates) {
    const date = RELEASES[key]
    if (date) return Date.parse(`${date}T12:00:00Z`)
  }
  return undefined
}

const MONTH_INDEX: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
}

/**
 * The build date in `uname -v`: `Debian 6.1.119-1 (2024-11-22)`, `Tue Nov 14 13:30:08 UTC 2023`
 * (Ubuntu, RHEL), `Fri, 22 Nov 2024 16:04:27 +0000` (Arch), `2024-10-23 07:40:44` (Alpine).
 */
export function kernelBuildMs(kernelVersion: string): number | undefined {
  const iso = /\((\d{4})-(\d{2})-(\d{2})\)/.exec(kernelVersion)
  if (iso) return Date.UTC(Number(iso[1]), Number(iso[2]) - 1, Number(iso[3]), 12)
  const stamp = /(\d{4})-(\d{2})-(\d{2}) (\d\d):(\d\d):(\d\d)/.exec(kernelVersion)
  if (stamp)
    return Date.UTC(
      Number(stamp[1]),
      Number(stamp[2]) - 1,
      Number(stamp[3]),
      Number(stamp[4]),
      Number(stamp[5]),
      Number(stamp[6]),
    )
  const ctime = /([A-Z][a-z]{2}) +(\d{1,2}) (\d\d):(\d\d):(\d\d) (?:[A-Z]{3,4} )?(\d{4})/.exec(kernelVersion)
  if (ctime) {
    const month = MONTH_INDEX[ctime[1] ?? '']
    if (month !== undefined)
      return Date.UTC(
        Number(ctime[6]),
        month,
        Number(ctime[2]),
        Number(ctime[3]),
        Number(ctime[4]),
        Number(ctime[5]),
      )
  }
  const rfc = /(\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d\d):(\d\d):(\d\d)/.exec(kernelVersion)
  if (rfc) {
    const month = MONTH_INDEX[rfc[2] ?? '']
    if (month !== undefined)
      return Date.UTC(Number(rfc[3]), month, Number(rfc[1]), Number(rfc[4]), Number(rfc[5]), Number(rfc[6]))
  }
  return undefined
}

/** The timeline as it stands at `nowMs` (the host reboots on its own cycle: the boot is the latest one). */
export function hostTimeline(persona: Persona, nowMs: number): HostTimeline {
  const random = personaStream(persona, 'timeline')
  const bootMs = lastBootMs(persona, nowMs)
  const builtRaw = kernelBuildMs(persona.os.kernelVersion)
  // A kernel can only run after it was built: clamp a persona whose boot predates its kernel.
  const kernelBuiltMs = builtRaw !== undefined && builtRaw < bootMs - DAY ? builtRaw : bootMs - 30 * DAY
  const firstBootMs = Math.min(bootMs, persona.bootTime * 1000)
  const releaseMs = Math.min(osReleaseMs(persona) ?? kernelBuiltMs - 200 * DAY, firstBootMs - 10 * DAY)
  // Installed from the release media some time after the release, and before the running kernel's
  // package reached it (or, for hosts installed later, from media that already had it).
  const latestInstall = Math.max(
    releaseMs + 3 * DAY,
    Math.min(firstBootMs - 5 * DAY, kernelBuiltMs + 40 * DAY),
  )
  const installMs =
    releaseMs + 3 * DAY + Math.floor(random.next() * Math.max(DAY, latestInstall - releaseMs - 3 * DAY))
  const kernelInstalledMs = Math.min(
    Math.max(installMs, kernelBuiltMs) + random.int(1, 12) * DAY + random.int(0, 86_399) * 1000,
    bootMs - random.int(120, 7_200) * 1000,
  )
  return {
    releaseMs,
    installMs: Math.min(installMs, kernelInstalledMs),
    kernelBuiltMs,
    kernelInstalledMs,
    bootMs,
  }
}
