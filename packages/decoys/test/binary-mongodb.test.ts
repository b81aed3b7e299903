import { MongoClient, MongoServerError } from 'mongodb'
import { describe, expect, it } from 'vitest'
import { mongodbEmulator } from '../src/protocols-binary/mongodb.ts'
import { closeStartedAfterEach, rawConnect, type Started, startBinary } from './binary-helpers.ts'

closeStartedAfterEach()

const uri = (instance: Started, credentials = '') =>
  `mongodb://${credentials}${instance.host}:${instance.port}/?directConnection=true&serverSelectionTimeoutMS=3000&connectTimeoutMS=3000`

describe('mongodb emulator', () => {
  it('answers hello, buildInfo and listDatabases to the official driver', async () => {
    const started = await startBinary(mongodbEmulator)
    const client = new MongoClient(uri(started))
    try {
      await client.connect()
      const info = await client.db('admin').command({ buildInfo: 1 })
      expect(info.version).toMatch(/^\d+\.\d+\.\d+$/)
      expect(info.versionArray).toHaveLength(4)
      const { databases } = await client.db().admin().listDatabases()
      const names = databases.map((db) => db.name)
      expect(names.slice(0, 3)).toEqual(['admin', 'config', 'local'])
      expect(names.length).toBeGreaterThan(3)
      await expect(client.db('crm').collection('users').findOne({})).rejects.toMatchObject({ code: 13 })
    } finally {
      await client.close()
    }
    const command = await started.waitFor((event) => event.fields.command === 'listDatabases')
    expect(command.event).toBe('command')
    expect(command.fields.db).toBe('admin')
  })

  it('answers HTTP on the driver port the way mongod does', async () => {
    const started = await startBinary(mongodbEmulator)
    const raw = await rawConnect(started.host, started.port)
    raw.write('GET / HTTP/1.1\r\nHost: db\r\n\r\n')
    const reply = (await raw.readAvailable()).toString()
    raw.close()
    expect(reply).toMatch(/^HTTP\/1\.0 200 OK\r\n/)
    expect(reply).toContain(
      'It looks like you are trying to access MongoDB over HTTP on the native driver port.',
    )
  })

  it('captures a SCRAM login (username and proof) and fails it with AuthenticationFailed', async () => {
    const started = await startBinary(mongodbEmulator)
    const client = new MongoClient(uri(started, 'root:t00r@'), { authMechanism: 'SCRAM-SHA-256' })
    const error = await client.connect().then(
      () => undefined,
      (failure: unknown) => failure,
    )
    await client.close()
    expect(error).toBeInstanceOf(MongoServerError)
    expect((error as MongoServerError).code).toBe(18)
    const attempt = await started.waitFor((event) => event.event === 'auth_attempt')
    expect(attempt.fields).toMatchObject({ username: 'root', mechanism: 'SCRAM-SHA-256', iterations: 15000 })
    expect(String(attempt.fields.hash)).toMatch(/^[A-Za-z0-9+/]{43}=$/)
    expect(String(attempt.fields.auth_message)).toMatch(/^n=root,r=.+,r=.+,s=.+,i=15000,c=biws,r=.+$/)
    expect(attempt.secret_fields).toEqual(['hash'])
  })
})
