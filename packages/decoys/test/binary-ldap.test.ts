import { Client, InvalidCredentialsError, OperationsError } from 'ldapts'
import { afterEach, describe, expect, it } from 'vitest'
import { ldapEmulator } from '../src/protocols-binary/ldap.ts'
import { type Started, startBinary } from './binary-helpers.ts'

let started: Started | undefined
afterEach(async () => {
  await started?.close()
  started = undefined
})

const clientFor = (instance: Started) =>
  new Client({ url: `ldap://${instance.host}:${instance.port}`, timeout: 3000, connectTimeout: 3000 })

describe('ldap emulator', () => {
  it('captures a simple bind and answers invalidCredentials (49)', async () => {
    started = await startBinary(ldapEmulator, { config: { domain: 'acme.local' } })
    const client = clientFor(started)
    const error = await client.bind('CN=svc_backup,CN=Users,DC=acme,DC=local', 'P@ssw0rd!').then(
      () => undefined,
      (failure: unknown) => failure,
    )
    await client.unbind()
    expect(error).toBeInstanceOf(InvalidCredentialsError)
    expect((error as InvalidCredentialsError).code).toBe(49)
    expect((error as Error).message).toContain('AcceptSecurityContext error, data 52e')
    const attempt = await started.waitFor((event) => event.event === 'auth_attempt')
    expect(attempt.fields).toMatchObject({
      username: 'CN=svc_backup,CN=Users,DC=acme,DC=local',
      password: 'P@ssw0rd!',
      method: 'simple',
    })
    expect(attempt.secret_fields).toEqual(['password'])
  })

  it('answers a rootDSE search like an AD domain controller and refuses other searches', async () => {
    started = await startBinary(ldapEmulator, { config: { domain: 'acme.local' }, hostname: 'DC01' })
    const client = clientFor(started)
    const { searchEntries } = await client.search('', { scope: 'base', filter: '(objectClass=*)' })
    expect(searchEntries).toHaveLength(1)
    const root = searchEntries[0] as Record<string, unknown>
    expect(root.defaultNamingContext).toBe('DC=acme,DC=local')
    expect(root.dnsHostName).toBe('dc01.acme.local')
    expect(root.supportedLDAPVersion).toEqual(['3', '2'])
    const only = await client.search('', { scope: 'base', attributes: ['namingContexts'] })
    expect(Object.keys(only.searchEntries[0] ?? {}).sort()).toEqual(['dn', 'namingContexts'])
    await expect(
      client.search('DC=acme,DC=local', {
        scope: 'sub',
        filter: '(&(objectClass=user)(sAMAccountName=adm*))',
      }),
    ).rejects.toBeInstanceOf(OperationsError)
    await client.unbind()
    const search = await started.waitFor((event) => event.fields.base === 'DC=acme,DC=local')
    expect(search.fields).toMatchObject({
      scope: 'sub',
      filter: '(&(objectClass=user)(sAMAccountName=adm*))',
    })
  })
})
