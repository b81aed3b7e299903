// A decky's login accounts (issue 18): derived from its persona, different per decky, overridable per
// decky in the INI with strict, line-numbered errors.
import { describe, expect, it } from 'vitest'
import {
  coerceServiceConfig,
  derivePersona,
  LOGIN_NAME_RE,
  loginSettings,
  parseFleetIni,
  personaAccounts,
  personaLoginUsers,
} from '../src/index.ts'
import { expectDecnet } from './support/fixtures.ts'

const seedOf = (n: number) => n.toString(16).padStart(32, '0')
const webServer = (n: number) =>
  derivePersona({ seed: seedOf(n), osFamily: 'linux', distro: 'debian', archetype: 'web-server' })
const credentialsOf = (accounts: { user: string; password: string | null }[]) =>
  new Set(accounts.map((a) => `${a.user}:${a.password}`))

describe('persona accounts', () => {
  it('two deckies of one archetype accept different credentials: each has one the other refuses', () => {
    for (let n = 1; n <= 40; n++) {
      const a = credentialsOf(personaAccounts(webServer(n)))
      const b = credentialsOf(personaAccounts(webServer(n + 1000)))
      expect([...a].some((credential) => !b.has(credential))).toBe(true)
      expect([...b].some((credential) => !a.has(credential))).toBe(true)
    }
  })

  it('are stable per persona: root first, then a person and a service account with Unix names', () => {
    const persona = webServer(7)
    expect(personaAccounts(persona)).toEqual(personaAccounts(webServer(7)))
    const users = personaAccounts(persona).map((a) => a.user)
    expect(users[0]).toBe('root')
    expect(users.slice(1)).toEqual(personaLoginUsers(persona))
    for (const user of users) expect(user).toMatch(LOGIN_NAME_RE)
    for (const account of personaAccounts(persona)) expect(account.password).toMatch(/^\S{4,}$/)
  })

  it('across many deckies root passwords spread over the dictionary (no fleet-wide default)', () => {
    const roots = new Set(Array.from({ length: 200 }, (_, n) => personaAccounts(webServer(n))[0]?.password))
    expect(roots.size).toBeGreaterThan(15)
  })

  it('an embedded device has root and the vendor admin with factory passwords', () => {
    const device = derivePersona({
      seed: seedOf(3),
      osFamily: 'embedded',
      distro: 'debian',
      archetype: 'iot-device',
    })
    expect(personaAccounts(device).map((a) => a.user)).toEqual(['root', 'admin'])
  })
})

describe('login settings: persona accounts, the operator overrides and policies', () => {
  const persona = webServer(11)
  const own = personaAccounts(persona)

  it('persona (default): the persona accounts, root password and extra pairs set on top', () => {
    const settings = loginSettings(persona, { password: 'toor', users: 'oracle:Tiger1,deploy2:x:y' })
    expect(settings.policy).toBe('persona')
    expect(settings.accounts).toEqual([
      { user: 'root', password: 'toor' },
      ...own.slice(1),
      { user: 'oracle', password: 'Tiger1' },
      { user: 'deploy2', password: 'x:y' },
    ])
  })

  it('list: only the configured accounts; root without a password is locked (null), never empty', () => {
    const settings = loginSettings(persona, { login_policy: 'list', user: 'pi', user_password: 'raspberry' })
    expect(settings.accounts).toEqual([
      { user: 'root', password: null },
      { user: 'pi', password: 'raspberry' },
    ])
  })

  it('nth keeps the accounts and carries its attempt (3 unless set); never keeps them for /etc/passwd', () => {
    expect(loginSettings(persona, { login_policy: 'nth' }).acceptAttempt).toBe(3)
    expect(loginSettings(persona, { login_policy: 'nth', accept_attempt: 5 })).toMatchObject({
      policy: 'nth',
      acceptAttempt: 5,
      accounts: own,
    })
    expect(loginSettings(persona, { login_policy: 'never' }).accounts).toEqual(own)
  })
})

describe('INI: login keys are strict and name the line', () => {
  const ini = (body: string) => `[web-01]\nservices = ssh,telnet\n\n[web-01.ssh]\n${body}`

  it('accepts the policies and account keys on ssh and telnet', () => {
    const fleet = parseFleetIni(
      `${ini('login_policy = nth\naccept_attempt = 4\nusers = oracle:Tiger1\n')}\n[web-01.telnet]\nlogin_policy = list\npassword = r00t\n`,
    )
    expect(fleet.deckies[0]?.serviceConfig).toEqual({
      ssh: { login_policy: 'nth', accept_attempt: 4, users: 'oracle:Tiger1' },
      telnet: { login_policy: 'list', password: 'r00t' },
    })
  })

  it.each([
    [
      'login_policy = sometimes\n',
      "line 5, [web-01.ssh] login_policy: invalid value for service ssh: 'sometimes' is not one of persona, list, nth, never",
    ],
    [
      'hostname = web\nlogin_policy = list\n',
      'line 6, [web-01.ssh] login_policy: invalid value for service ssh: login_policy = list accepts only configured accounts',
    ],
    [
      'login_policy = list\nuser = pi\n',
      'line 5, [web-01.ssh] login_policy: invalid value for service ssh: login_policy = list accepts only configured accounts',
    ],
    [
      'hostname = web\nusers = oracle\n',
      'line 6, [web-01.ssh] users: invalid value for service ssh: expected name:password, got "oracle"',
    ],
    [
      'users = Bad Name:x\n',
      'line 5, [web-01.ssh] users: invalid value for service ssh: "Bad Name" is not a Unix login name',
    ],
    [
      'user = Pi\n',
      'line 5, [web-01.ssh] user: invalid value for service ssh: "Pi" is not a Unix login name',
    ],
    [
      'login_policy = nth\naccept_attempt = 99\n',
      'line 6, [web-01.ssh] accept_attempt: invalid value for service ssh: must be at most 20',
    ],
  ])('%j is refused at its line', (body, message) => {
    expectDecnet(() => parseFleetIni(ini(body)), 'invalid_ini', message)
  })

  it('a group section and an exact one are judged together: the exact section may supply the accounts', () => {
    const group = '[web]\namount = 2\nservices = ssh\n\n[web.ssh]\nlogin_policy = list\n'
    expectDecnet(
      () => parseFleetIni(group),
      'invalid_ini',
      'line 6, [web.ssh] login_policy: invalid value for service ssh: login_policy = list accepts only',
    )
    const both = `${group}\n[web-01.ssh]\nusers = pi:raspberry\n\n[web-02.ssh]\npassword = r00t\n`
    const fleet = parseFleetIni(both)
    expect(fleet.deckies.map((d) => d.serviceConfig.ssh)).toEqual([
      { login_policy: 'list', users: 'pi:raspberry' },
      { login_policy: 'list', password: 'r00t' },
    ])
    // web-02 without an exact section has no account: the group's line is blamed.
    expectDecnet(
      () => parseFleetIni(`${group}\n[web-01.ssh]\nusers = pi:raspberry\n`),
      'invalid_ini',
      'line 6, [web.ssh] login_policy',
    )
  })

  it('the API form path (coerceServiceConfig) refuses the same', () => {
    expectDecnet(
      () => coerceServiceConfig('telnet', { login_policy: 'list' }),
      'invalid_input',
      'service telnet: login_policy: login_policy = list accepts only configured accounts',
    )
    expect(coerceServiceConfig('telnet', { login_policy: 'never' })).toEqual({ login_policy: 'never' })
  })
})
