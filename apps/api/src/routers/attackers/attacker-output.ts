import { ZAttacker } from '@decnet/core'
import type { Attacker } from '@decnet/db'
import { z } from 'zod'

/**
 * core's Attacker plus the profile counter the list shows. Every string here is attacker data; the
 * captured commands (up to 100 of up to 1 KiB each) are in the detail only, so a listing page of
 * 1,000 profiles stays small.
 */
export const ZAttackerOutput = ZAttacker.extend({
  credentialCount: z.number().int(),
})

export function toAttackerOutput(attacker: Attacker): z.input<typeof ZAttackerOutput> {
  return {
    id: attacker.id,
    ip: attacker.ip,
    firstSeen: attacker.firstSeen.toISOString(),
    lastSeen: attacker.lastSeen.toISOString(),
    eventCount: attacker.eventCount,
    services: attacker.services,
    deckies: attacker.deckies,
    credentialCount: attacker.credentialCount,
  }
}
