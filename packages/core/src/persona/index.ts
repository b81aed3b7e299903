// The persona module: derivation, per-purpose keyed values and time helpers (pure, browser-safe).

export {
  DEFAULT_ACCEPT_ATTEMPT,
  deckyLogins,
  isLoginPolicy,
  LOGIN_NAME_RE,
  LOGIN_POLICIES,
  type LoginAccount,
  type LoginPolicy,
  type LoginSettings,
  loginConfigProblem,
  loginNameProblem,
  loginSettings,
  MAX_ACCEPT_ATTEMPT,
  parseAccountPairs,
  personaAccounts,
  personaLoginUsers,
  type ServiceLogins,
} from './accounts.ts'
export {
  deriveFleetDomain,
  derivePersona,
  type PersonaInput,
  type PersonaLessDecky,
  personaForLegacyDecky,
  seedFromName,
} from './derive.ts'
export { hmacSha256, sha256 } from './hash.ts'
export { personaBytes, personaRandom, personaUnit, personaValue, type Seeded } from './keyed.ts'
export { LINUX_DISTRO_PROFILES, VENDOR_PRODUCTS } from './linux-distros.ts'
export { lastBootTime, loadAverage, uptimeSeconds } from './time.ts'
export { WINDOWS_SERVER_RELEASES, WINDOWS_WORKSTATION_RELEASES } from './windows-builds.ts'
