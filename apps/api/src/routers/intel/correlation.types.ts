import { ZIsoDate } from '@decnet/core'
import { MAX_IDENTITY_MEMBERS, MAX_SUMMARY_LIST } from '@decnet/db'
import { z } from 'zod'

export const CORRELATION_PAGE_MAX = 200
const MAX_EVIDENCE = 20

const ZCursorPage = {
  limit: z.number().int().min(1).max(CORRELATION_PAGE_MAX).default(50),
  cursor: z.string().max(16).optional(),
}

export const ZCredentialsInput = z
  .object({
    /** `reused`: tried on several deckies or from several addresses (most addresses first); `top`: most tried. */
    view: z.enum(['reused', 'top']).default('reused'),
    ...ZCursorPage,
  })
  .strict()

export const ZCredentialSummary = z.object({
  kind: z.string(),
  username: z.string(),
  /** What attackers sent; masked for viewers. */
  secret: z.string(),
  attempts: z.number().int(),
  deckyCount: z.number().int(),
  ipCount: z.number().int(),
  serviceCount: z.number().int(),
  reused: z.boolean(),
  /** The most recent ones (the counts are exact). */
  deckies: z.array(z.string()).max(MAX_SUMMARY_LIST),
  attackerIps: z.array(z.string()).max(MAX_SUMMARY_LIST),
  services: z.array(z.string()).max(MAX_SUMMARY_LIST),
  firstSeen: ZIsoDate,
  lastSeen: ZIsoDate,
})

export const ZCredentialsOutput = z.object({
  total: z.number().int(),
  rows: z.array(ZCredentialSummary).max(CORRELATION_PAGE_MAX),
  nextCursor: z.string().optional(),
})

export const ZPageInput = z.object(ZCursorPage).strict()

const ZIdentityFields = {
  id: z.string(),
  ipCount: z.number().int(),
  campaignId: z.string().nullable(),
  /** Why these addresses are one actor, most decisive first. */
  evidence: z.array(z.string()).max(MAX_EVIDENCE),
  firstSeen: ZIsoDate,
  lastSeen: ZIsoDate,
  computedAt: ZIsoDate,
}

export const ZIdentitiesOutput = z.object({
  total: z.number().int(),
  rows: z.array(z.object({ ...ZIdentityFields, ips: z.array(z.string()).max(10) })).max(CORRELATION_PAGE_MAX),
  nextCursor: z.string().optional(),
})

export const ZCampaign = z.object({
  id: z.string(),
  identityCount: z.number().int(),
  ipCount: z.number().int(),
  evidence: z.array(z.string()).max(MAX_EVIDENCE),
  iocs: z.array(z.object({ kind: z.string(), value: z.string() })).max(100),
  techniques: z.array(z.string()).max(100),
  firstSeen: ZIsoDate,
  lastSeen: ZIsoDate,
  computedAt: ZIsoDate,
})

export const ZCampaignsOutput = z.object({
  total: z.number().int(),
  rows: z
    .array(
      ZCampaign.extend({
        identities: z.array(z.object({ id: z.string(), ipCount: z.number().int() })).max(50),
      }),
    )
    .max(CORRELATION_PAGE_MAX),
  nextCursor: z.string().optional(),
})

export const ZAttackerIdentityInput = z.object({ id: z.string().min(1).max(128) }).strict()

export const ZAttackerIdentityOutput = z.object({
  /** null: the correlation worker linked this address to nobody (yet). */
  identity: z
    .object({
      ...ZIdentityFields,
      members: z
        .array(
          z.object({
            ip: z.string(),
            /** For a link to the member's attacker page (null: no events from it stored). */
            attackerId: z.string().nullable(),
            evidence: z.array(z.string()).max(MAX_EVIDENCE),
          }),
        )
        .max(MAX_IDENTITY_MEMBERS),
      campaign: ZCampaign.nullable(),
    })
    .nullable(),
})
