/**
 * Links to the Logs page pre-filled with a search, e.g. every event of one attacker or one decky.
 * Values that the search grammar would split (spaces, quotes, parentheses, a colon) are quoted.
 */
export function searchTerm(key: string, value: string): string {
  return /^[^\s"():]+$/.test(value) ? `${key}:${value}` : `${key}:"${value.replaceAll('"', '')}"`
}

export function logsHref(q: string): string {
  return `/logs?q=${encodeURIComponent(q)}`
}

export const attackerEventsHref = (ip: string) => logsHref(searchTerm('attacker', ip))
export const deckyEventsHref = (decky: string) => logsHref(searchTerm('decky', decky))
