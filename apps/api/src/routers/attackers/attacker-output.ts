import { ZAttacker } from '@decnet/core'
import type { Attacker, AttackerDetail } from '@decnet/db'
import { z } from 'zod'
import { ZAttackerEnrichment } from '../../attackers/enrichment-output.ts'
import { toLogOutput } from '../../logs/log-output.ts'
import { MASK, maskTextForViewer } from '../../logs/secret-mask.ts'
import type { ZGetAttackerOutput } from './get.types.ts'

/**
 * core's Attacker plus the profile counter the list shows. Every string here is attacker data; the
 * captured commands (up to 100 of up to 1 KiB each) are in the detail only, so a listing page of
 * 1,000 profiles stays small.
 */
export const ZAttackerOutput = ZAttacker.extend({
  credentialCount: z.number().int(),
  /** Label, geo/ASN and reverse DNS of the address (the enrichment worker's, issue 16). */
  enrichment: ZAttackerEnrichment.optional(),
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

/** The detail page: captured secrets (credentials, commands, log fields) masked unless `reveal`. */
export function toAttackerDetailOutput(
  detail: AttackerDetail,
  reveal: boolean,
): z.input<typeof ZGetAttackerOutput> {
  return {
    ...toAttackerOutput(detail.attacker),
    commands: reveal ? detail.attacker.commands : detail.attacker.commands.map(maskTextForViewer),
    credentials: detail.credentials.map((credential) => ({
      decky: credential.decky,
      service: credential.service,
      kind: credential.kind,
      username: credential.principal,
      secret: reveal ? credential.secret : MASK,
      count: credential.count,
      firstSeen: credential.firstSeen,
      lastSeen: credential.lastSeen,
    })),
    credentialTotal: detail.credentialTotal,
    ...(detail.credentialsNextCursor ? { credentialsNextCursor: detail.credentialsNextCursor } : {}),
    recentLogs: detail.recentLogs.map((row) => toLogOutput(row, reveal)),
    moreLogs: detail.attacker.eventCount > detail.recentLogs.length,
  }
}
