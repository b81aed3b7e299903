import type { DeckyTopology } from '@decnet/core/schemas'

/** The env variable the engine fills with a topology decky's view of its networks (JSON). */
export const DECKY_TOPOLOGY_ENV = 'DECNET_TOPOLOGY'

/**
 * `DECNET_TOPOLOGY`: the decky's links, upstream gateway, pivot flag and neighbours. Absent or blank,
 * the decky sits on one flat LAN (undefined). Anything else that is not core's `deckyTopologySchema`
 * throws, naming the first problem: a decky must not start with traces or forwarding it cannot trust.
 * The schema (and zod) load only when a topology is given, keeping flat deckies' memory as it was.
 */
export async function parseDeckyTopology(text: string | undefined): Promise<DeckyTopology | undefined> {
  if (!text?.trim()) return undefined
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new Error(`${DECKY_TOPOLOGY_ENV} is not valid JSON`)
  }
  const { deckyTopologySchema } = await import('@decnet/core/schemas')
  const parsed = deckyTopologySchema.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue?.path.length ? issue.path.join('.') : 'its root'
    throw new Error(
      `${DECKY_TOPOLOGY_ENV} is not a decky topology (links, gateway, forwards, neighbours): ${where}: ${issue?.message ?? 'invalid'}`,
    )
  }
  return parsed.data
}
