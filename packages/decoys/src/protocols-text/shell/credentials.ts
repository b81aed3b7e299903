import type { ServiceConfigValue } from '../../emulator.ts'
import { configString } from '../../framework/config.ts'

/**
 * Which logins the fake shell lets in (ssh, telnet): root with `password`, `user` with
 * `user_password`, plus any `users` pairs ("name:pass,name2:pass2"); defaults match the catalogue.
 */
export type Credentials = {
  accepts(username: string, password: string): boolean
}

export function credentialsFrom(config: Record<string, ServiceConfigValue>): Credentials {
  const rootPassword = configString(config, 'password') ?? 'admin'
  const user = configString(config, 'user') ?? 'ubuntu'
  const userPassword = configString(config, 'user_password') ?? 'admin'
  const extra = new Map<string, string>()
  for (const pair of (configString(config, 'users') ?? '').split(',')) {
    const colon = pair.indexOf(':')
    if (colon > 0) extra.set(pair.slice(0, colon).trim(), pair.slice(colon + 1))
  }
  return {
    accepts: (username, password) =>
      (username === 'root' && password === rootPassword) ||
      (username === user && password === userPassword) ||
      (extra.has(username) && extra.get(username) === password),
  }
}
