// attackers.intel: an attacker's intelligence as the console shows it. Evidence excerpts and
// indicators are attacker text (a command, a URL with `user:pass@`): viewers get them through the
// one secret-masking policy, like commands on the attacker page.
import type { AttackerIntel } from '@decnet/db'
import type { z } from 'zod'
import { AppError } from '../app-error.ts'
import type { ApiServices } from '../context.ts'
import { maskTextForViewer } from '../logs/secret-mask.ts'
import type { ZAttackerIntelOutput } from '../routers/attackers/intel.types.ts'
import { techniqueInfo } from './technique-catalog.ts'

export async function requireAttackerIntel(db: ApiServices['db'], id: string): Promise<AttackerIntel> {
  const intel = await db.intel.forAttacker(id)
  if (!intel) throw new AppError('not_found', `no attacker with id ${id}`)
  return intel
}

export function toAttackerIntelOutput(
  intel: AttackerIntel,
  reveal: boolean,
): z.input<typeof ZAttackerIntelOutput> {
  const text = reveal ? (value: string) => value : maskTextForViewer
  return {
    id: intel.attacker.id,
    ip: intel.attacker.ip,
    classification: {
      class: intel.classification.class,
      evidence: intel.classification.evidence.map(text),
    },
    behaviour: intel.behaviour,
    fingerprints: intel.fingerprints,
    fingerprintTotal: intel.fingerprintTotal,
    tools: intel.tools.map((tool) => ({ ...tool, evidence: text(tool.evidence) })),
    techniques: intel.techniques.map((technique) => ({
      ...technique,
      ...techniqueInfo(technique.technique),
      evidence: text(technique.evidence),
    })),
    iocs: intel.iocs.map((ioc) => ({ ...ioc, value: text(ioc.value) })),
    iocTotal: intel.iocTotal,
  }
}
