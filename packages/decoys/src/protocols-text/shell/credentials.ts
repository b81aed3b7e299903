import type { ServiceConfigValue } from '../../emulator.ts'
import { configString } from '../../framework/config.ts'

/**
 * Which logins the fake shell lets in (ssh, telnet): root with `password`, and `user` with
 * `user_password` (catalogue keys; defaults match the catalogue's schema defaults).
 */
export type Credentials = {
  accepts(username: string, password: string): boolean
}

export function credentialsFrom(config: Record<string, ServiceConfigValue>): Credentials {
  const rootPassword = configString(config, 'password') ?? 'admin'
  const user = configString(config, 'user') ?? 'ubuntu'
  const userPassword = configString(config, 'user_password') ?? 'admin'
  return {
    accepts: (username, password) =>
      (username === 'root' && password === rootPassword) || (username === user && password === userPassword),
  }
}
