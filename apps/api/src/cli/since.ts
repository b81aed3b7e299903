// `--since` of the CLI: an ISO-8601 time, or how long ago (`30m`, `2h`, `7d`, `1w`).
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

export function parseSince(value: string, now = Date.now()): string {
  const relative = /^(\d{1,6})([smhdw])$/.exec(value.trim())
  if (relative) return new Date(now - Number(relative[1]) * UNIT_MS[relative[2] as string]!).toISOString()
  const at = new Date(value)
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(at.getTime())) {
    throw new Error(`--since: "${value}" is neither an ISO-8601 time nor a duration like 30m, 2h, 7d`)
  }
  return at.toISOString()
}
