import mqtt from 'mqtt'
import { afterEach, describe, expect, it } from 'vitest'
import { mqttEmulator } from '../src/protocols-binary/mqtt.ts'
import { type Started, startBinary } from './binary-helpers.ts'

let started: Started | undefined
afterEach(async () => {
  await started?.close()
  started = undefined
})

describe('mqtt emulator', () => {
  it('accepts an open login and logs credentials, publishes and subscriptions', async () => {
    started = await startBinary(mqttEmulator)
    const client = await mqtt.connectAsync(`mqtt://${started.host}:${started.port}`, {
      clientId: 'bot-42',
      username: 'plc',
      password: 'plc-pass',
      reconnectPeriod: 0,
      connectTimeout: 3000,
    })
    const granted = await client.subscribeAsync('factory/#', { qos: 1 })
    expect(granted.map((grant) => grant.topic)).toEqual(['factory/#'])
    await client.publishAsync('factory/line1/cmd', 'STOP', { qos: 1 })
    await client.endAsync()

    const login = await started.waitFor((event) => event.event === 'auth_attempt')
    expect(login.fields).toMatchObject({ client_id: 'bot-42', username: 'plc', password: 'plc-pass' })
    expect(login.secret_fields).toEqual(['password'])
    const publish = await started.waitFor((event) => event.fields.kind === 'publish')
    expect(publish.fields).toMatchObject({ topic: 'factory/line1/cmd', payload: 'STOP', qos: 1 })
    const subscribe = await started.waitFor((event) => event.fields.kind === 'subscribe')
    expect(subscribe.fields.topics).toBe('factory/#')
  })

  it('refuses credentials when configured to require auth (MQTT 3.1.1 and 5)', async () => {
    started = await startBinary(mqttEmulator, { config: { require_auth: true } })
    for (const protocolVersion of [4, 5] as const) {
      const error = await mqtt
        .connectAsync(`mqtt://${started.host}:${started.port}`, {
          username: 'admin',
          password: 'admin',
          protocolVersion,
          reconnectPeriod: 0,
          connectTimeout: 3000,
        })
        .then(
          (client) => {
            client.end(true)
            return undefined
          },
          (failure: Error & { code?: number }) => failure,
        )
      expect(error?.code).toBe(protocolVersion === 5 ? 0x86 : 4)
    }
    const attempts = started.events.filter((event) => event.event === 'auth_attempt')
    expect(attempts.map((event) => event.fields.protocol_level)).toEqual([4, 5])
  })
})
