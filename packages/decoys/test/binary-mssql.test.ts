import { Connection } from 'tedious'
import { describe, expect, it } from 'vitest'
import { mssqlEmulator } from '../src/protocols-binary/mssql.ts'
import { closeStartedAfterEach, rawConnect, type Started, startBinary } from './binary-helpers.ts'
import { netNtlmV2Matches } from './binary-helpers-ntlm.ts'
import { tdsPrelogin } from './binary-helpers-packets.ts'
import { BUILDS, windowsPersona } from './windows-personas.ts'

closeStartedAfterEach()

function tediousLogin(
  instance: Started,
  userName: string,
  password: string,
): Promise<Error & { code?: string }> {
  return new Promise((resolve, reject) => {
    const connection = new Connection({
      server: instance.host,
      authentication: { type: 'default', options: { userName, password } },
      options: {
        port: instance.port,
        encrypt: false,
        database: 'HR',
        appName: 'sqlmap',
        connectTimeout: 3000,
      },
    })
    connection.on('error', () => undefined)
    connection.connect((error) => {
      connection.close()
      if (error) resolve(error)
      else reject(new Error('login unexpectedly succeeded'))
    })
  })
}

describe('mssql emulator', () => {
  it('answers PRELOGIN, de-obfuscates the LOGIN7 password and fails the login with 18456', async () => {
    const started = await startBinary(mssqlEmulator, { persona: windowsPersona(BUILDS.server2019) })
    const error = await tediousLogin(started, 'sa', 'Sup3r$ecret')
    expect(error.code).toBe('ELOGIN')
    expect(error.message).toBe("Login failed for user 'sa'.")
    const attempt = await started.waitFor((event) => event.event === 'auth_attempt')
    expect(attempt.fields).toMatchObject({
      username: 'sa',
      password: 'Sup3r$ecret',
      app_name: 'sqlmap',
      database: 'HR',
    })
    expect(String(attempt.fields.library)).toContain('Tedious')
    expect(attempt.secret_fields).toEqual(['password'])
  })

  it('captures an integrated (NTLM) login and refuses it with 18456', async () => {
    const started = await startBinary(mssqlEmulator, {
      persona: windowsPersona(BUILDS.server2019, { hostname: 'SQL02' }),
      config: { workgroup: 'ACME' },
    })
    const instance = started
    const error = await new Promise<Error & { code?: string }>((resolve, reject) => {
      const connection = new Connection({
        server: instance.host,
        authentication: {
          type: 'ntlm',
          options: { userName: 'svc_report', password: 'Rep0rt!', domain: 'ACME' },
        },
        options: { port: instance.port, encrypt: false, connectTimeout: 3000 },
      })
      connection.on('error', () => undefined)
      connection.connect((failure) => {
        connection.close()
        if (failure) resolve(failure)
        else reject(new Error('login unexpectedly succeeded'))
      })
    })
    expect(error.code).toBe('ELOGIN')
    expect(error.message).toBe("Login failed for user 'ACME\\svc_report'.")
    const attempt = await started.waitFor((event) => event.event === 'auth_attempt')
    expect(attempt.fields).toMatchObject({
      username: 'svc_report',
      domain: 'ACME',
      method: 'ntlm',
      hash_format: 'netntlmv2',
    })
    expect(String(attempt.fields.hash)).toMatch(/^svc_report::ACME:[0-9a-f]{16}:[0-9a-f]{32}:[0-9a-f]+$/)
    // The captured line cracks to the password the client used, and to nothing else.
    expect(netNtlmV2Matches(String(attempt.fields.hash), 'Rep0rt!')).toBe(true)
    expect(netNtlmV2Matches(String(attempt.fields.hash), 'Rep0rt?')).toBe(false)
    expect(attempt.secret_fields).toEqual(['hash'])
  })

  it("reports the persona's SQL Server version and no encryption in the PRELOGIN response", async () => {
    const versions = new Set<string>()
    for (const sql of ['13.0.6300.2', '14.0.3456.2', '15.0.4322.2', '16.0.4165.4']) {
      const instance = await startBinary(mssqlEmulator, {
        persona: windowsPersona(BUILDS.server2019, { sql }),
      })
      const raw = await rawConnect(instance.host, instance.port)
      raw.write(tdsPrelogin())
      const header = await raw.read(8)
      const payload = await raw.read(header.readUInt16BE(2) - 8)
      raw.close()
      await instance.close()
      expect(header[0]).toBe(0x04)
      expect(payload[0]).toBe(0) // VERSION option first
      const versionAt = payload.readUInt16BE(1)
      const [major, minor, build] = sql.split('.').map(Number)
      expect([payload[versionAt], payload[versionAt + 1], payload.readUInt16BE(versionAt + 2)]).toEqual([
        major,
        minor,
        build,
      ])
      expect(payload[payload.readUInt16BE(6)]).toBe(2) // ENCRYPT_NOT_SUP
      // VERSION, ENCRYPTION, INSTOPT, THREADID and nothing the client did not ask about (no MARS).
      expect([0, 5, 10, 15].map((at) => payload[at])).toEqual([0, 1, 2, 3])
      expect(payload[20]).toBe(0xff)
      versions.add(payload.subarray(versionAt, versionAt + 4).toString('hex'))
    }
    expect(versions.size).toBe(4)
  })
})
