// Stable, believable MAC addresses: a real vendor OUI fitting the OS family plus a NIC-specific
// part derived from the seed (the decky name), so redeploys and mutations keep the same MAC.
import { fnv1a } from '../random.ts'
import { getOsFamily, OS_FAMILIES } from './os-families.ts'

const hex2 = (n: number): string => n.toString(16).padStart(2, '0')

export function macForDecky(osFamily: string, seed: string): string {
  const family = getOsFamily(osFamily) ?? (OS_FAMILIES[0] as (typeof OS_FAMILIES)[number])
  const oui = family.ouis[fnv1a(`oui:${seed}`) % family.ouis.length] as string
  const nic = fnv1a(`nic:${seed}`)
  const bytes = [(nic >>> 16) & 0xff, (nic >>> 8) & 0xff, nic & 0xff]
  return `${oui.toLowerCase()}:${bytes.map(hex2).join(':')}`
}

export const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/
