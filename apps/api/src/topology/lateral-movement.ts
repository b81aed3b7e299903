// Lateral movement: an attacker logged into a pivot opening a channel to a host behind it (`ssh -J`).
// The pivot's SSH decoy reports each channel as a `tcpip_forward` event (source: the attacker;
// `dst_ip`, `dst_port`, `neighbour` when the destination is a decky of its networks, `allowed`); only
// the channels it let through are hops. Every field came over the attacker's connection or may be
// missing (older decoys), so each is checked and capped before it is shown.
import { LATERAL_MOVEMENT_EVENT, ZDeckyName, ZIsoDate } from '@decnet/core'
import type { DecnetDatabase, LogRow } from '@decnet/db'
import { z } from 'zod'
import { AppError } from '../app-error.ts'

/** The newest forward events read per answer (an attacker decides how many channels it opens). */
const EVENTS_READ = 1_000
export const MAX_HOPS = 200

export const ZLateralHopOutput = z.object({
  attackerIp: z.string().max(64),
  /** The pivot decky the channel was opened on. */
  from: ZDeckyName,
  /** The decky reached, when the destination was one. */
  to: ZDeckyName.nullable(),
  dstIp: z.string().max(64).nullable(),
  dstPort: z.number().int().min(0).max(65_535).nullable(),
  count: z.number().int(),
  firstSeen: ZIsoDate,
  lastSeen: ZIsoDate,
})
export type LateralHop = z.input<typeof ZLateralHopOutput>

export const ZAttackerPathOutput = z.object({
  attackerIp: z.string().max(64),
  /** The deckies in the order the attacker reached them through pivots (empty without a hop). */
  path: z.array(ZDeckyName).max(MAX_HOPS + 1),
  /** Its hops, oldest first. */
  hops: z.array(ZLateralHopOutput).max(MAX_HOPS),
})
export type AttackerPath = z.input<typeof ZAttackerPathOutput>

const deckyName = (value: unknown): string | null =>
  ZDeckyName.safeParse(value).success ? (value as string) : null
const dstIp = (value: unknown): string | null =>
  typeof value === 'string' && value.length > 0 ? value.slice(0, 64) : null
const dstPort = (value: unknown): number | null =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65_535 ? value : null

/** What makes a hop one: its source, pivot, destination (the decky, else its address) and port. */
const hopIdentity = (hop: Pick<LateralHop, 'attackerIp' | 'from' | 'to' | 'dstIp' | 'dstPort'>) =>
  JSON.stringify([hop.attackerIp, hop.from, hop.to ?? hop.dstIp, hop.dstPort])

/** Allowed forwards grouped into hops (one per attacker, pivot and destination), oldest first. */
export function hopsOf(events: readonly LogRow[]): LateralHop[] {
  const hops = new Map<string, LateralHop & { firstSeen: Date; lastSeen: Date }>()
  for (const event of events) {
    if (event.eventType !== LATERAL_MOVEMENT_EVENT || event.fields.allowed !== true || !event.attackerIp)
      continue
    const to = deckyName(event.fields.neighbour)
    const hop = {
      attackerIp: event.attackerIp.slice(0, 64),
      from: event.decky,
      to,
      dstIp: dstIp(event.fields.dst_ip),
      dstPort: dstPort(event.fields.dst_port),
    }
    const key = hopIdentity(hop)
    const seen = hops.get(key)
    if (seen) {
      seen.count++
      if (event.timestamp < seen.firstSeen) seen.firstSeen = event.timestamp
      if (event.timestamp > seen.lastSeen) seen.lastSeen = event.timestamp
    } else if (hops.size < MAX_HOPS) {
      hops.set(key, { ...hop, count: 1, firstSeen: event.timestamp, lastSeen: event.timestamp })
    }
  }
  return [...hops.values()].sort((a, b) => a.firstSeen.getTime() - b.firstSeen.getTime())
}

/** The deckies reached in order: each hop's pivot (unless it is where the last hop arrived), then its target. */
export function pathOf(hops: readonly LateralHop[]): string[] {
  const path: string[] = []
  for (const hop of hops) {
    if (path.at(-1) !== hop.from) path.push(hop.from)
    if (hop.to !== null) path.push(hop.to)
  }
  return path.slice(0, MAX_HOPS + 1)
}

/** The newest allowed hops of every attacker (`ip` given: of that address only; `decky`: on that pivot only). */
export async function lateralHops(
  db: Pick<DecnetDatabase, 'logs'>,
  ip?: string,
  decky?: string,
): Promise<LateralHop[]> {
  const terms = [
    `event:${LATERAL_MOVEMENT_EVENT}`,
    ...(ip === undefined ? [] : [`ip:"${ip}"`]),
    ...(decky === undefined ? [] : [`decky:"${decky}"`]),
  ]
  const { rows } = await db.logs.search({ q: terms.join(' '), limit: EVENTS_READ })
  return hopsOf(rows)
}

/**
 * The hops made on from `hop`'s target when it is a pivot too (`ssh -J jump-01,db-gw db-01`): the
 * second pivot sees the first pivot's address on their shared network as the source, not the
 * attacker's, so its forwards from that address since the hop are taken as the attacker's. Another
 * attacker going the same way at the same time would be counted too: the decoys do not link them.
 */
async function onwardHops(
  db: Pick<DecnetDatabase, 'logs' | 'fleet'>,
  hop: LateralHop,
): Promise<LateralHop[]> {
  if (hop.to === null) return []
  const [pivot, reached] = await Promise.all([db.fleet.get(hop.from), db.fleet.get(hop.to)])
  if (!reached?.topology?.forwards) return []
  const shared = pivot?.topology?.links.find((link) =>
    reached.topology?.links.some((other) => other.network === link.network),
  )
  if (!shared) return []
  const since = new Date(hop.firstSeen).getTime()
  return (await lateralHops(db, shared.ip, hop.to)).filter(
    (next) => new Date(next.lastSeen).getTime() >= since,
  )
}

/** An attacker's lateral path across the deckies; NOT_FOUND for an unknown attacker. */
export async function requireAttackerPath(
  db: Pick<DecnetDatabase, 'logs' | 'sessions' | 'fleet'>,
  id: string,
): Promise<AttackerPath> {
  const ip = await db.sessions.attackerIp(id)
  if (ip === undefined) throw new AppError('not_found', `no attacker with id ${id}`)
  const hops = await lateralHops(db, ip)
  // Follow pivots into pivots, each hop once (bounded by MAX_HOPS; topologies are trees).
  const seen = new Set(hops.map(hopIdentity))
  for (let index = 0; index < hops.length && hops.length < MAX_HOPS; index++) {
    for (const next of await onwardHops(db, hops[index] as LateralHop)) {
      const key = hopIdentity(next)
      if (seen.has(key) || hops.length >= MAX_HOPS) continue
      seen.add(key)
      hops.push(next)
    }
  }
  hops.sort((a, b) => new Date(a.firstSeen).getTime() - new Date(b.firstSeen).getTime())
  return { attackerIp: ip, path: pathOf(hops), hops }
}
