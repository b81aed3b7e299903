// Correlation rows as the API hands them out: captured secrets masked for viewers (the credential's
// secret; any secret-shaped text inside evidence or an indicator, e.g. a URL's user:pass@), lists
// already capped by the repository.
import type { CampaignRow, CredentialSummaryRow, IdentityDetail, IdentityRow } from '@decnet/db'
import { MASK, maskTextForViewer } from '../logs/secret-mask.ts'

const text = (value: string, reveal: boolean) => (reveal ? value : maskTextForViewer(value))

export function toCredentialSummaryOutput(row: CredentialSummaryRow, reveal: boolean) {
  return {
    kind: row.kind,
    username: row.principal,
    secret: reveal ? row.secret : MASK,
    attempts: row.attempts,
    deckyCount: row.deckyCount,
    ipCount: row.ipCount,
    serviceCount: row.serviceCount,
    reused: row.reused,
    deckies: row.deckies,
    attackerIps: row.attackerIps,
    services: row.services,
    firstSeen: row.firstSeen,
    lastSeen: row.lastSeen,
  }
}

export function toIdentityOutput(row: IdentityRow, reveal: boolean) {
  return { ...row, evidence: row.evidence.map((line) => text(line, reveal)) }
}

export function toCampaignOutput(row: CampaignRow, reveal: boolean) {
  return {
    ...row,
    evidence: row.evidence.map((line) => text(line, reveal)),
    iocs: row.iocs.map((ioc) => ({ kind: ioc.kind, value: text(ioc.value, reveal) })),
  }
}

export function toIdentityDetailOutput(detail: IdentityDetail | null, reveal: boolean) {
  if (!detail) return { identity: null }
  return {
    identity: {
      ...toIdentityOutput(detail.identity, reveal),
      members: detail.members.map((member) => ({
        ip: member.ip,
        attackerId: member.attackerId,
        evidence: member.evidence.map((line) => text(line, reveal)),
      })),
      campaign: detail.campaign ? toCampaignOutput(detail.campaign, reveal) : null,
    },
  }
}
