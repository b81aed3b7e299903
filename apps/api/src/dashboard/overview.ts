// The overview dashboard as the API hands it out: the repository's aggregates with captured
// credentials masked for viewers and attacker-sent text cut to display length.
import type { DecnetDatabase } from '@decnet/db'
import { UNDER_ATTACK_MINUTES } from '@decnet/db'
import { MASK } from '../logs/secret-mask.ts'
import { timeRange } from '../logs/time-range.ts'

/** Longest username or secret shown on the dashboard (the credentials page has them whole). */
export const DASHBOARD_TEXT_MAX = 128

const cut = (text: string) =>
  text.length > DASHBOARD_TEXT_MAX ? `${text.slice(0, DASHBOARD_TEXT_MAX - 1)}…` : text

export async function dashboardOverview(
  db: DecnetDatabase,
  input: { from?: string; to?: string; bucketMinutes: number; top: number },
  revealSecrets: boolean,
) {
  const view = await db.dashboard.overview({
    ...timeRange(input),
    bucketMinutes: input.bucketMinutes,
    top: input.top,
  })
  return {
    ...view,
    credentials: view.credentials.map((row) => ({
      kind: row.kind,
      username: cut(row.principal),
      secret: revealSecrets ? cut(row.secret) : MASK,
      attempts: row.attempts,
      attackers: row.attackers,
    })),
  }
}

export async function dashboardNow(db: DecnetDatabase) {
  const now = await db.dashboard.now()
  return {
    minutes: UNDER_ATTACK_MINUTES,
    underAttack: now.underAttack,
    openIncidents: now.openIncidents,
  }
}
