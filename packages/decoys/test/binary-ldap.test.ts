import { connect } from 'node:tls'
import { Client, InvalidCredentialsError, OperationsError } from 'ldapts'
import { describe, expect, it } from 'vitest'
import { ldapEmulator } from '../src/protocols-binary/ldap.ts'
import { smbEmulator } from '../src/protocols-binary/smb.ts'
import { closeStartedAfterEach, rawConnect, type Started, startBinary } from './binary-helpers.ts'
import { smb2Negotiate, smb2SessionSetup, spnegoNtlmNegotiate } from './binary-helpers-packets.ts'
import { BUILDS, windowsPersona } from './windows-personas.ts'

closeStartedAfterEach()

const dc = (hostname: string) => windowsPersona(BUILDS.server2019, { hostname })

const clientFor = (instance: Started) =>
  new Client({ url: `ldap://${instance.host}:${instance.port}`, timeout: 3000, connectTimeout: 3000 })

describe('ldap emulator', () => {
  it('captures a simple bind and answers invalidCredentials (49)', async () => {
    const started = await startBinary(ldapEmulator, { persona: dc('DC01'), config: { domain: 'acme.local' } })
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
    const started = await startBinary(ldapEmulator, { persona: dc('DC01'), config: { domain: 'acme.local' } })
    const client = clientFor(started)
    const { searchEntries } = await client.search('', { scope: 'base', filter: '(objectClass=*)' })
    expect(searchEntries).toHaveLength(1)
    const root = searchEntries[0] as Record<string, unknown>
    expect(root.defaultNamingContext).toBe('DC=acme,DC=local')
    expect(root.dnsHostName).toBe('DC01.acme.local')
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

  it('encodes like Active Directory (4-byte BER lengths), so scanners fingerprint a domain controller', async () => {
    const started = await startBinary(ldapEmulator, { persona: dc('DC01'), config: { domain: 'acme.local' } })
    const raw = await rawConnect(started.host, started.port)
    // The rootDSE search nmap's service scan sends (message id 7, base "", (objectClass=*)).
    raw.write(
      Buffer.from(
        '30840000002d02010763840000002404000a01000a0100020100020164010100870b6f626a656374436c617373308400000000',
        'hex',
      ),
    )
    let reply = Buffer.alloc(0)
    while (!reply.includes(Buffer.from([0x65, 0x84])))
      reply = Buffer.concat([reply, await raw.readAvailable()])
    raw.close()
    expect(reply.subarray(0, 4)).toEqual(Buffer.from([0x30, 0x84, 0, 0]))
    // nmap: dsServiceName, SET with a 0x84 length, one short OCTET STRING, then the next 0x30 0x84.
    const at = reply.indexOf('dsServiceName') + 'dsServiceName'.length
    expect(reply.subarray(at, at + 5)).toEqual(Buffer.from([0x31, 0x84, 0, 0, 0]))
    expect(reply[at + 6]).toBe(0x04)
    const length = reply[at + 7] as number
    const value = reply.subarray(at + 8, at + 8 + length).toString()
    expect(value).toMatch(
      /^CN=NTDS Settings,CN=DC01,CN=Servers,CN=[^,]+,CN=Sites,CN=Configuration,DC=acme,DC=local$/,
    )
    expect(reply.subarray(at + 8 + length, at + 10 + length)).toEqual(Buffer.from([0x30, 0x84]))
  })

  it('takes the directory domain from base_dn', async () => {
    const started = await startBinary(ldapEmulator, {
      persona: dc('DC01'),
      config: { base_dn: 'DC=emea,DC=contoso,DC=com' },
    })
    const client = clientFor(started)
    const { searchEntries } = await client.search('', { scope: 'base', attributes: ['defaultNamingContext'] })
    await client.unbind()
    expect(searchEntries[0]?.defaultNamingContext).toBe('DC=emea,DC=contoso,DC=com')
  })

  it("names the same domain and computer as the decky's SMB NTLM challenge", async () => {
    const options = { persona: dc('FS07') }
    const started = await startBinary(ldapEmulator, options)
    const client = clientFor(started)
    const { searchEntries } = await client.search('', { scope: 'base', attributes: ['dnsHostName'] })
    await client.unbind()
    const smb = await startBinary(smbEmulator, options)
    try {
      const raw = await rawConnect(smb.host, smb.port)
      raw.write(smb2Negotiate([0x0202]))
      await raw.read((await raw.read(4)).readUInt32BE(0))
      raw.write(smb2SessionSetup(1, spnegoNtlmNegotiate()))
      const message = await raw.read((await raw.read(4)).readUInt32BE(0))
      raw.close()
      const type2 = message.subarray(message.indexOf('NTLMSSP\0'))
      const info = type2.subarray(type2.readUInt32LE(44), type2.readUInt32LE(44) + type2.readUInt16LE(40))
      const pairs = new Map<number, string>()
      for (let at = 0; at + 4 <= info.length; at += 4 + info.readUInt16LE(at + 2)) {
        pairs.set(
          info.readUInt16LE(at),
          info.subarray(at + 4, at + 4 + info.readUInt16LE(at + 2)).toString('utf16le'),
        )
      }
      expect(searchEntries[0]?.dnsHostName).toBe(pairs.get(3)) // MsvAvDnsComputerName
    } finally {
      await smb.close()
    }
  })

  it('serves LDAPS with the domain controller certificate on the second port', async () => {
    const started = await startBinary(ldapEmulator, {
      ports: [0, 0],
      persona: dc('DC02'),
      config: { domain: 'acme.local' },
    })
    const client = new Client({
      url: `ldaps://${started.host}:${started.ports[1]}`,
      timeout: 3000,
      connectTimeout: 3000,
      tlsOptions: { rejectUnauthorized: false },
    })
    await expect(client.bind('ACME\\svc_sql', 'Summer2025')).rejects.toBeInstanceOf(InvalidCredentialsError)
    await client.unbind()
    const attempt = await started.waitFor((event) => event.event === 'auth_attempt')
    expect(attempt.fields).toMatchObject({ username: 'ACME\\svc_sql', password: 'Summer2025' })
    const raw = await rawConnect(started.host, started.ports[1] as number)
    const tls = connect({ socket: raw.socket, rejectUnauthorized: false })
    await new Promise((resolve) => tls.once('secureConnect', resolve))
    expect(tls.getPeerCertificate().subject.CN).toBe('DC02.acme.local')
    tls.destroy()
  })
})
