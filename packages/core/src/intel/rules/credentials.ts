// Brute-force shapes that only show across many login attempts (ATT&CK T1110 sub-techniques): one
// password tried against many accounts is spraying (T1110.003), many passwords against one account
// guessing (T1110.001). Per event the technique rules can only say "a failed login"; this reads a
// batch of one attacker's attempts. Thresholds are data; bump with the technique rules' version.
import type { TechniqueFinding } from '../types.ts'
import { evidenceText } from './engine.ts'

export const CREDENTIAL_PATTERN_THRESHOLDS = {
  /** Distinct accounts one password was tried against before it is spraying. */
  sprayAccounts: 3,
  /** Distinct passwords tried against one account before it is guessing. */
  guessPasswords: 5,
} as const

export type CredentialAttempt = { username: string; password: string }

/** The spraying and guessing patterns in one attacker's login attempts (any order, any services). */
export function credentialPatternTechniques(attempts: readonly CredentialAttempt[]): TechniqueFinding[] {
  const accountsByPassword = new Map<string, Set<string>>()
  const passwordsByAccount = new Map<string, Set<string>>()
  for (const { username, password } of attempts) {
    const accounts = accountsByPassword.get(password) ?? new Set<string>()
    accountsByPassword.set(password, accounts.add(username))
    const passwords = passwordsByAccount.get(username) ?? new Set<string>()
    passwordsByAccount.set(username, passwords.add(password))
  }
  const findings: TechniqueFinding[] = []
  const widestSpray = largest(accountsByPassword)
  if (widestSpray && widestSpray.size >= CREDENTIAL_PATTERN_THRESHOLDS.sprayAccounts) {
    // The password stays out of the evidence (shown where secrets are masked); accounts are no secret.
    const accounts = [...widestSpray.members].slice(0, 5).map((name) => `"${evidenceText(name, 32)}"`)
    findings.push({
      technique: 'T1110.003',
      ruleId: 'technique.brute-force.spraying',
      evidence: `one password tried against ${widestSpray.size} accounts (${accounts.join(', ')}${widestSpray.size > 5 ? ', …' : ''})`,
    })
  }
  const widestGuess = largest(passwordsByAccount)
  if (widestGuess && widestGuess.size >= CREDENTIAL_PATTERN_THRESHOLDS.guessPasswords) {
    findings.push({
      technique: 'T1110.001',
      ruleId: 'technique.brute-force.guessing',
      evidence: `${widestGuess.size} passwords tried against "${evidenceText(widestGuess.key, 32)}"`,
    })
  }
  return findings
}

function largest(groups: ReadonlyMap<string, ReadonlySet<string>>) {
  let best: { key: string; members: ReadonlySet<string>; size: number } | undefined
  for (const [key, members] of groups)
    if (!best || members.size > best.size) best = { key, members, size: members.size }
  return best
}
