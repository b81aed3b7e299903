import { createHash } from 'node:crypto'
import type { Persona } from '@decnet/core'
import mysql from 'mysql2/promise'
import { describe, expect, it } from 'vitest'
import { mysqlEmulator } from '../src/protocols-binary/mysql.ts'
import { postgresEmulator } from '../src/protocols-binary/postgres.ts'
import { closeStartedAfterEach, rawConnect, startBinary } from './binary-helpers.ts'
import { pgLoginError } from './binary-helpers-clients.ts'
import { debianPersona, ubuntuPersona } from './data-personas.ts'
import { start } from './data-start.ts'

closeStartedAfterEach()

describe('mysql emulator', () => {
  it('greets with the persona version, captures the login and answers 1045', async () => {
    const started = await start(mysqlEmulator, debianPersona('0a'.repeat(16)))
    const raw = await rawConnect(started.host, started.port)
    const greeting = await raw.readAvailable()
    raw.close()
    expect(greeting[4]).toBe(0x0a)
    const version = greeting.subarray(5, greeting.indexOf(0, 5)).toString()
    expect(version).toBe('5.5.5-10.11.6-MariaDB-0+deb12u1')

    const error = await mysql
      .createConnection({
        host: started.host,
        port: started.port,
        user: 'dbadmin',
        password: 'Winter2024!',
        database: 'payroll',
        connectTimeout: 3000,
      })
      .then(
        () => undefined,
        (failure: { errno?: number; sqlMessage?: string }) => failure,
      )
    expect(error?.errno).toBe(1045)
    expect(error?.sqlMessage).toContain("Access denied for user 'dbadmin'@'127.0.0.1'")
    const attempt = started.events.find((event) => event.event === 'auth_attempt')
    if (!attempt) throw new Error('no auth_attempt event')
    expect(attempt.fields.username).toBe('dbadmin')
    expect(attempt.fields.database).toBe('payroll')
    expect(attempt.fields.hash).toMatch(/^[0-9a-f]{40}$/)
    expect(attempt.secret_fields).toEqual(['hash'])
    expect(attempt.src_ip).toBe('127.0.0.1')
    // The captured scramble is crackable: SHA1(pw) XOR SHA1(salt + SHA1(SHA1(pw))).
    const sha1 = (data: Buffer) => createHash('sha1').update(data).digest()
    const stage1 = sha1(Buffer.from('Winter2024!'))
    const mask = sha1(Buffer.concat([Buffer.from(String(attempt.fields.salt), 'hex'), sha1(stage1)]))
    const expected = Buffer.from(stage1.map((byte, i) => byte ^ (mask[i] as number)))
    expect(attempt.fields.hash).toBe(expected.toString('hex'))
  })

  it('announces the configured version, else the persona product (MariaDB on Debian, MySQL 8 on Ubuntu)', async () => {
    const versionOf = async (persona: Persona, config: Record<string, string> = {}) => {
      const instance = await start(mysqlEmulator, persona, { config })
      const raw = await rawConnect(instance.host, instance.port)
      const greeting = await raw.readAvailable()
      raw.close()
      return greeting.subarray(5, greeting.indexOf(0, 5)).toString()
    }
    expect(await versionOf(debianPersona('0b'.repeat(16)), { version: '8.0.28' })).toBe('8.0.28')
    expect(await versionOf(ubuntuPersona('0c'.repeat(16)))).toBe('8.0.40-0ubuntu0.22.04.1')
    expect(await versionOf(debianPersona('0d'.repeat(16)))).toContain('MariaDB')
  })
})

describe('mysql emulator on malformed handshakes', () => {
  it('answers a garbled HandshakeResponse with 1043 Bad handshake', async () => {
    const started = await startBinary(mysqlEmulator)
    const raw = await rawConnect(started.host, started.port)
    await raw.readAvailable()
    raw.write(Buffer.from([0x05, 0x00, 0x00, 0x01, 0x8d, 0xa6, 0xff, 0x01, 0x00]))
    const header = await raw.read(4)
    const error = await raw.read(header.readUIntLE(0, 3))
    raw.close()
    expect(header[3]).toBe(2)
    expect(error[0]).toBe(0xff)
    expect(error.readUInt16LE(1)).toBe(1043)
    expect(error.subarray(3).toString()).toBe('#08S01Bad handshake')
  })
})

describe('postgres emulator', () => {
  it('answers SSLRequest with N, asks a PostgreSQL 13 login for MD5 and fails with 28P01', async () => {
    // 13 and older default to md5 in pg_hba.conf (14 moved to SCRAM, see data-persona.test.ts).
    const started = await startBinary(postgresEmulator, { config: { version: '13.16' } })
    const error = await pgLoginError(started, {
      user: 'postgres',
      password: 'hunter2',
      database: 'billing',
      ssl: false,
    })
    expect(error?.code).toBe('28P01')
    expect(error?.message).toBe('password authentication failed for user "postgres"')
    const attempt = await started.waitFor((event) => event.event === 'auth_attempt')
    expect(attempt.fields.username).toBe('postgres')
    expect(attempt.fields.database).toBe('billing')
    const md5 = (text: string) => createHash('md5').update(text).digest('hex')
    const salt = Buffer.from(String(attempt.fields.salt), 'hex')
    const inner = md5('hunter2postgres')
    const expected = `md5${createHash('md5')
      .update(Buffer.concat([Buffer.from(inner), salt]))
      .digest('hex')}`
    expect(attempt.fields.hash).toBe(expected)
    expect(attempt.secret_fields).toEqual(['hash'])

    const sslError = await pgLoginError(started, { user: 'x', ssl: { rejectUnauthorized: false } })
    expect(sslError?.message).toBe('The server does not support SSL connections')
    expect(started.events.some((event) => event.fields.kind === 'ssl_request')).toBe(true)
  })
})
