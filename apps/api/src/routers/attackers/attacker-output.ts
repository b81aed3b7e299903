import { ZAttacker } from '@decnet/core'
import type { Attacker } from '@decnet/db'
import { z } from 'zod'

/** core's Attacker plus the profile counters the console shows. Every string here is attacker data. */
export const ZAttackerOutput = ZAttacker.extend({
  credentialCount: z.number().int(),
  commands: z.array(z.string()),
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
    commands: attacker.commands,
  }
}
