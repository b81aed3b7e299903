import { createHmac, randomBytes } from 'node:crypto'
import type { DecnetDatabase } from '@decnet/db'

/**
 * The seed a preview returns is public (the console, the request log, the audit record of a deploy
 * carry it), but every persona seed — hence each decky's host keys and certificates — is drawn from
 * the plan's random source. So the planner draws from HMAC(installation key, public seed): the same
 * public seed still gives the same plan on this installation, and knowing it derives nothing.
 */
const SETTING = 'fleet.planSeedKey'
const KEY_PATTERN = /^[0-9a-f]{64}$/

async function installationKey(db: DecnetDatabase): Promise<string> {
  const stored = await db.settings.get(SETTING)
  if (typeof stored === 'string' && KEY_PATTERN.test(stored)) return stored
  await db.settings.set(SETTING, randomBytes(32).toString('hex'))
  // Two processes racing here: both read back the one that was written last.
  const written = await db.settings.get(SETTING)
  if (typeof written !== 'string' || !KEY_PATTERN.test(written)) throw new Error('plan seed key not stored')
  return written
}

/** The seed the planner draws from, for a public plan seed (32 hex digits in, 32 out). */
export function privatePlanSeed(key: string, publicSeed: string): string {
  return createHmac('sha256', Buffer.from(key, 'hex')).update(publicSeed).digest('hex').slice(0, 32)
}

export async function planDrawSeed(db: DecnetDatabase, publicSeed: string): Promise<string> {
  return privatePlanSeed(await installationKey(db), publicSeed)
}
