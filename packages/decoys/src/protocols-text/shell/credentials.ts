import type { LoginSettings } from '@decnet/core/persona'

/**
 * Which logins the fake shell lets in (ssh, telnet), by the decky's login settings: its accounts and
 * the operator's policy. Every user it accepts exists in the shell's /etc/passwd.
 */
export type Credentials = {
  /** Whether `password` logs `username` in from `client`; each call is one attempt (policy `nth`). */
  attempt(client: string, username: string, password: string): boolean
}

/** Clients × users remembered by the `nth` policy; the oldest are forgotten beyond it. */
const MAX_REMEMBERED = 10_000

export function credentialsFor(settings: LoginSettings): Credentials {
  const passwords = new Map(settings.accounts.map((account) => [account.user, account.password]))
  const known = (username: string, password: string) =>
    passwords.has(username) && passwords.get(username) === password
  switch (settings.policy) {
    case 'never':
      return { attempt: () => false }
    case 'persona':
    case 'list':
      return { attempt: (_client, username, password) => known(username, password) }
    case 'nth': {
      // Per client and user: attempts so far, then the password that got in (it keeps working).
      const tries = new Map<string, number>()
      const granted = new Map<string, string>()
      const remember = <T>(map: Map<string, T>, key: string, value: T) => {
        map.delete(key)
        map.set(key, value)
        if (map.size > MAX_REMEMBERED) map.delete(map.keys().next().value as string)
      }
      return {
        attempt: (client, username, password) => {
          if (known(username, password)) return true
          if (!passwords.has(username)) return false
          const key = `${client}\u0000${username}`
          const kept = granted.get(key)
          if (kept !== undefined) return kept === password
          const count = (tries.get(key) ?? 0) + 1
          if (count < settings.acceptAttempt) {
            remember(tries, key, count)
            return false
          }
          tries.delete(key)
          remember(granted, key, password)
          return true
        },
      }
    }
  }
}
