import { ATTACKER_CLASSES, BEHAVIOUR_COUNTERS, ZIsoDate } from '@decnet/core'
import { MAX_ATTACKER_INTEL_ROWS } from '@decnet/db'
import { z } from 'zod'

export const ZAttackerIntelInput = z.object({ id: z.string().min(1).max(128) }).strict()

const seen = { count: z.number().int(), firstSeen: ZIsoDate, lastSeen: ZIsoDate }

export const ZTechniqueNaming = {
  /** ATT&CK name; null for an id the catalogue does not know. */
  name: z.string().nullable(),
  /** ATT&CK tactic shortnames (`persistence`, `command-and-control` …). */
  tactics: z.array(z.string()),
}

export const ZAttackerIntelOutput = z.object({
  id: z.string(),
  ip: z.string(),
  /** What the classification rules decided from the whole profile, and why. */
  classification: z.object({ class: z.enum(ATTACKER_CLASSES), evidence: z.array(z.string()).max(20) }),
  behaviour: z.partialRecord(z.enum(BEHAVIOUR_COUNTERS), z.number()),
  /** Most recently seen first; `fingerprintTotal` counts them all. */
  fingerprints: z
    .array(
      z.object({ kind: z.string(), value: z.string(), detail: z.string(), service: z.string(), ...seen }),
    )
    .max(MAX_ATTACKER_INTEL_ROWS),
  fingerprintTotal: z.number().int(),
  tools: z
    .array(
      z.object({
        tool: z.string(),
        ruleId: z.string(),
        ruleVersion: z.string(),
        evidence: z.string(),
        ...seen,
      }),
    )
    .max(MAX_ATTACKER_INTEL_ROWS),
  techniques: z
    .array(
      z.object({
        technique: z.string(),
        ...ZTechniqueNaming,
        ruleId: z.string(),
        ruleVersion: z.string(),
        /** An excerpt of the first event that matched (masked for viewers). */
        evidence: z.string(),
        decky: z.string(),
        ...seen,
      }),
    )
    .max(MAX_ATTACKER_INTEL_ROWS),
  /** Most recently seen first; `iocTotal` counts them all (the fleet-wide list pages through them). */
  iocs: z
    .array(z.object({ kind: z.string(), value: z.string(), source: z.string(), decky: z.string(), ...seen }))
    .max(MAX_ATTACKER_INTEL_ROWS),
  iocTotal: z.number().int(),
})
