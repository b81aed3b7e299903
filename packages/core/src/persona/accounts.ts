// The login accounts of a decky (ssh, telnet): which users exist on it and which passwords let an
// intruder in. Derived from the persona, so two deckies of one archetype have different users and
// passwords, and the shell's /etc/passwd lists exactly the accounts the login accepts. An operator
// overrides them per decky with the ssh/telnet settings below (INI `[decky.ssh]` or the wizard).
import type { ConfigValue } from '../catalog/services.ts'
import { pickOne, type RandomSource } from '../random.ts'
import type { Persona } from '../schemas/persona.ts'
import { sha256, utf8 } from './hash.ts'
import { personaRandom, personaValue } from './keyed.ts'

/**
 * How a decky answers passwords: `persona` accepts its accounts (the persona's, plus any configured);
 * `list` only the configured accounts; `nth` also lets a known user in on the nth password one client
 * tries (that password then stays valid for it, as Cowrie's AuthRandom does); `never` accepts nothing.
 */
export const LOGIN_POLICIES = ['persona', 'list', 'nth', 'never'] as const
export type LoginPolicy = (typeof LOGIN_POLICIES)[number]
export const DEFAULT_ACCEPT_ATTEMPT = 3
export const MAX_ACCEPT_ATTEMPT = 20

export interface LoginAccount {
  user: string
  /** Null: the account exists but takes no password (locked, `!` in /etc/shadow). */
  password: string | null
}

export interface LoginSettings {
  policy: LoginPolicy
  /** For `nth`: the attempt (1-based, per client address and user) that gets in whatever the password. */
  acceptAttempt: number
  /** root first; every account here exists in /etc/passwd and has a home. */
  accounts: LoginAccount[]
}

/** A Unix login name as useradd accepts it by default (Debian's NAME_REGEX, 32 characters). */
export const LOGIN_NAME_RE = /^[a-z_][a-z0-9_-]{0,31}$/

const PEOPLE = [
  'alice',
  'bob',
  'carol',
  'dave',
  'erin',
  'frank',
  'grace',
  'heidi',
  'ivan',
  'judy',
  'mallory',
  'oscar',
  'peggy',
  'trent',
  'victor',
  'walter',
  'jsmith',
  'mgarcia',
  'tnguyen',
  'akumar',
  'lchen',
  'pmueller',
  'rrossi',
  'sdubois',
]
const SERVICE_USERS = [
  'deploy',
  'backup',
  'devops',
  'jenkins',
  'ansible',
  'webadmin',
  'sysadmin',
  'ops',
  'svc',
]

// Passwords from the top of public brute-force dictionaries (what attackers try first), so a decky's
// accounts are found, but by different guesses on each decky.
const ROOT_PASSWORDS = [
  '123456',
  'password',
  'root',
  'toor',
  'admin',
  '12345678',
  'qwerty',
  '1q2w3e4r',
  'P@ssw0rd',
  'changeme',
  'root123',
  'admin123',
  '111111',
  'letmein',
  '123qwe',
  'passw0rd',
  'Passw0rd!',
  'qwe123',
  'abc123',
  'root@123',
  '1qaz2wsx',
  'test123',
  'server',
  'linux',
]
const PERSON_PATTERNS: readonly ((user: string) => string)[] = [
  (user) => `${user}123`,
  (user) => `${user}2024`,
  (user) => `${capitalise(user)}2023!`,
  (user) => `${user}@123`,
  () => 'Welcome1',
  () => 'Summer2024!',
  () => 'qwerty123',
  () => 'Password1',
  (user) => user,
  () => 'iloveyou',
]
const SERVICE_PATTERNS: readonly ((user: string) => string)[] = [
  (user) => user,
  (user) => `${user}123`,
  (user) => `${user}@2023`,
  () => 'changeme',
  () => '123456',
  (user) => `${user}!`,
  () => 'test',
]
// Factory defaults embedded devices ship and Mirai-family bots try (mirai/bot/table.c scanner list).
const DEVICE_ROOT_PASSWORDS = [
  'xc3511',
  'vizxv',
  'admin',
  '888888',
  'xmhdipc',
  'default',
  'juantech',
  '123456',
  '54321',
  'anko',
  'zlxx.',
  '7ujMko0admin',
  'hi3518',
  'klv123',
  'Zte521',
  'jvbzd',
  'realtek',
  '00000000',
]
const DEVICE_ADMIN_PASSWORDS = ['admin', '1234', 'password', '12345', 'admin1234', 'smcadmin', 'meinsm']

const capitalise = (word: string) => `${word.slice(0, 1).toUpperCase()}${word.slice(1)}`

/**
 * The non-root users a persona's machine has: a person and a service account on servers, the vendor's
 * `admin` on embedded devices. The server draw is the one the decoy shell has always made (a SHA-256
 * counter stream keyed `shell/users`), so deckies keep the users they showed before accounts existed.
 */
export function personaLoginUsers(persona: Persona): string[] {
  if (persona.family === 'embedded') return ['admin']
  const seed = personaValue(persona, 'shell/users')
  const block = sha256(utf8(`${seed}\u00000`))
  // Six big-endian bytes as a fraction of 2^48, as the decoys' seeded stream reads them.
  const unit = (offset: number) => {
    let value = 0
    for (const byte of block.subarray(offset, offset + 6)) value = value * 256 + byte
    return value / 2 ** 48
  }
  const pick = (items: readonly string[], offset: number) =>
    items[Math.floor(unit(offset) * items.length)] as string
  return [pick(PEOPLE, 0), pick(SERVICE_USERS, 6)]
}

/** The accounts a persona's machine has by default, root first. */
export function personaAccounts(persona: Persona): LoginAccount[] {
  const random = personaRandom(persona, 'accounts')
  const users = personaLoginUsers(persona)
  if (persona.family === 'embedded') {
    return [
      { user: 'root', password: pickOne(random, DEVICE_ROOT_PASSWORDS) },
      ...users.map((user) => ({ user, password: pickOne(random, DEVICE_ADMIN_PASSWORDS) })),
    ]
  }
  const [person, service] = users as [string, string]
  return [
    { user: 'root', password: pickOne(random, ROOT_PASSWORDS) },
    { user: person, password: patterned(random, PERSON_PATTERNS, person) },
    { user: service, password: patterned(random, SERVICE_PATTERNS, service) },
  ]
}

function patterned(random: RandomSource, patterns: readonly ((user: string) => string)[], user: string) {
  return pickOne(random, patterns)(user)
}

type LoginConfig = Readonly<Record<string, ConfigValue>>

const text = (config: LoginConfig, key: string): string | undefined => {
  const value = config[key]
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** `name:password,name2:password2` (a password may hold `:`, not `,`). */
export function parseAccountPairs(
  value: string,
): { ok: true; accounts: LoginAccount[] } | { ok: false; reason: string } {
  const accounts: LoginAccount[] = []
  for (const raw of value.split(',')) {
    const pair = raw.trim()
    if (pair === '') continue
    const colon = pair.indexOf(':')
    if (colon <= 0) return { ok: false, reason: `expected name:password, got "${pair.slice(0, 40)}"` }
    const user = pair.slice(0, colon)
    const badName = loginNameProblem(user)
    if (badName) return { ok: false, reason: badName }
    const password = pair.slice(colon + 1)
    if (password === '') return { ok: false, reason: `${user} has an empty password` }
    accounts.push({ user, password })
  }
  return { ok: true, accounts }
}

/** The accounts an operator set (root `password`, `user`/`user_password`, `users` pairs), in that order. */
function configuredAccounts(config: LoginConfig): LoginAccount[] {
  const out: LoginAccount[] = []
  const root = text(config, 'password')
  if (root !== undefined) out.push({ user: 'root', password: root })
  const user = text(config, 'user')
  if (user !== undefined) out.push({ user, password: text(config, 'user_password') ?? null })
  const pairs = parseAccountPairs(text(config, 'users') ?? '')
  if (pairs.ok) out.push(...pairs.accounts)
  return out
}

/** Later entries win by user name; the order of first appearance is kept (root first). */
function mergeAccounts(...lists: LoginAccount[][]): LoginAccount[] {
  const byUser = new Map<string, string | null>()
  for (const account of lists.flat()) byUser.set(account.user, account.password)
  return [...byUser].map(([user, password]) => ({ user, password }))
}

export function isLoginPolicy(value: unknown): value is LoginPolicy {
  return (LOGIN_POLICIES as readonly unknown[]).includes(value)
}

/** What a decky's ssh or telnet accepts, from its persona and that service's settings. */
export function loginSettings(persona: Persona, config: LoginConfig): LoginSettings {
  const policy = isLoginPolicy(config.login_policy) ? config.login_policy : 'persona'
  const attempt = config.accept_attempt
  const configured = configuredAccounts(config)
  const accounts =
    policy === 'list' ? mergeAccounts(configured) : mergeAccounts(personaAccounts(persona), configured)
  return {
    policy,
    acceptAttempt: typeof attempt === 'number' ? attempt : DEFAULT_ACCEPT_ATTEMPT,
    // root exists on every machine; under `list` without a root password it is locked.
    accounts: accounts.some((a) => a.user === 'root')
      ? accounts
      : [{ user: 'root', password: null }, ...accounts],
  }
}

/** Why `name` is not a login name useradd would take, or undefined. */
export function loginNameProblem(name: string): string | undefined {
  return LOGIN_NAME_RE.test(name)
    ? undefined
    : `"${name.slice(0, 40)}" is not a Unix login name (a-z, 0-9, _ and -)`
}

/**
 * What is wrong with one service's login settings taken together (each value passed its own field's
 * check): the key to blame and why; undefined when they hold together.
 */
export function loginConfigProblem(config: LoginConfig): { key: string; reason: string } | undefined {
  if (config.login_policy === 'list' && !configuredAccounts(config).some((a) => a.password !== null)) {
    return {
      key: 'login_policy',
      reason:
        'login_policy = list accepts only configured accounts: set password, user + user_password or users',
    }
  }
  return undefined
}

/** The login services of a decky, each with the settings it will run with (the deploy preview shows them). */
export interface ServiceLogins extends LoginSettings {
  service: 'ssh' | 'telnet'
}

export function deckyLogins(
  persona: Persona,
  services: readonly string[],
  serviceConfig: Readonly<Record<string, LoginConfig>>,
): ServiceLogins[] {
  return (['ssh', 'telnet'] as const)
    .filter((service) => services.includes(service))
    .map((service) => ({ service, ...loginSettings(persona, serviceConfig[service] ?? {}) }))
}
