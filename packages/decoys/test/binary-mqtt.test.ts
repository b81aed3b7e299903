import mqtt from 'mqtt'
import { describe, expect, it } from 'vitest'
import { mqttEmulator } from '../src/protocols-binary/mqtt.ts'
import { closeStartedAfterEach, startBinary } from './binary-helpers.ts'

closeStartedAfterEach()

describe('mqtt emulator', () => {
  it('accepts an open login and logs credentials, publishes and subscriptions', async () => {
    const started = await startBinary(mqttEmulator)
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
    const started = await startBinary(mqttEmulator, { config: { require_auth: true } })
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

  it('delivers retained topics: seeded sensor values, $SYS only on request, and what clients retain', async () => {
    const started = await startBinary(mqttEmulator)
    const url = `mqtt://${started.host}:${started.port}`
    const collect = async (filter: string, count: number) => {
      const client = await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 3000 })
      const received: { topic: string; payload: string; retain: boolean }[] = []
      const done = new Promise<void>((resolve) => {
        client.on('message', (topic, payload, packet) => {
          received.push({ topic, payload: payload.toString(), retain: packet.retain })
          if (received.length === count) resolve()
        })
      })
      await client.subscribeAsync(filter)
      await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 500))])
      await client.endAsync()
      return received
    }
    const all = await collect('#', 4)
    expect(all).toHaveLength(4)
    expect(all.every((message) => message.retain && !message.topic.startsWith('$'))).toBe(true)
    expect(all.map((message) => message.topic).join(',')).toMatch(/\/sensors\/temperature/)
    const sys = await collect('$SYS/#', 1)
    expect(sys[0]?.payload).toMatch(/^mosquitto version \d/)

    const publisher = await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 3000 })
    await publisher.publishAsync('ops/backdoor', 'enabled', { retain: true, qos: 1 })
    await publisher.endAsync()
    expect(await collect('ops/+', 1)).toEqual([{ topic: 'ops/backdoor', payload: 'enabled', retain: true }])
  })
})
