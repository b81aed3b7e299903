import type { Decky, DecnetDatabase, Host } from '@decnet/db'
import { z } from 'zod'

/** Audit actions: a host decommissioned without answering (what it was left running), and its later sweep. */
export const AUDIT_DECOMMISSIONED_WITH_LEFTOVERS = 'host.decommissioned_with_leftovers'
export const AUDIT_LEFTOVERS_SWEPT = 'host.leftovers_swept'

/** Deckies listed at most (a host holds far fewer). */
const MAX_LEFT = 500

const ZLeftDecky = z.object({ name: z.string(), ip: z.string(), services: z.array(z.string()) })

/** What a host decommissioned without answering was left running, and whether it was swept since. */
export const ZHostLeftovers = z.object({
  recordedAt: z.iso.datetime(),
  deckies: z.array(ZLeftDecky),
  /** When the host answered again and they were removed; null while they may still run there. */
  sweptAt: z.iso.datetime().nullable(),
})
export type HostLeftovers = z.infer<typeof ZHostLeftovers>

export async function recordLeftovers(
  db: DecnetDatabase,
  actor: string,
  host: Host,
  deckies: readonly Decky[],
): Promise<void> {
  await db.audit.append({
    actor,
    action: AUDIT_DECOMMISSIONED_WITH_LEFTOVERS,
    target: host.id,
    detail: {
      host: host.name,
      deckies: deckies
        .slice(0, MAX_LEFT)
        .map((decky) => ({ name: decky.name, ip: decky.ip, services: decky.services })),
    },
  })
}

/** The latest leftovers record of a host, or null when it was never decommissioned without answering. */
export async function leftoversOf(db: DecnetDatabase, hostId: string): Promise<HostLeftovers | null> {
  const entries = await db.audit.list({
    target: hostId,
    actions: [AUDIT_DECOMMISSIONED_WITH_LEFTOVERS, AUDIT_LEFTOVERS_SWEPT],
    limit: 50,
  })
  const recorded = entries.find((entry) => entry.action === AUDIT_DECOMMISSIONED_WITH_LEFTOVERS)
  if (!recorded) return null
  const swept = entries.find(
    (entry) => entry.action === AUDIT_LEFTOVERS_SWEPT && entry.at.getTime() >= recorded.at.getTime(),
  )
  const deckies = z.array(ZLeftDecky).safeParse(recorded.detail.deckies)
  return {
    recordedAt: recorded.at.toISOString(),
    deckies: deckies.success ? deckies.data : [],
    sweptAt: swept ? swept.at.toISOString() : null,
  }
}

/** Decommissioned hosts whose leftovers were not swept yet: the heartbeat keeps asking them. */
export async function hostsWithUnsweptLeftovers(db: DecnetDatabase): Promise<Set<string>> {
  const retired = (await db.hosts.list()).filter((host) => host.status === 'decommissioned' && host.tls)
  const waiting = await Promise.all(
    retired.map(async (host) => {
      const leftovers = await leftoversOf(db, host.id)
      return leftovers && leftovers.sweptAt === null ? host.id : undefined
    }),
  )
  return new Set(waiting.filter((id): id is string => id !== undefined))
}
