import { request } from 'node:http'
import ModbusRTU from 'modbus-serial'
import { describe, expect, it } from 'vitest'
import { conpotEmulator } from '../src/protocols-binary/conpot.ts'
import { closeStartedAfterEach, rawConnect, startBinary } from './binary-helpers.ts'
import { snmpGet } from './binary-helpers-clients.ts'

closeStartedAfterEach()

function httpGet(
  host: string,
  port: number,
  path: string,
): Promise<{ status: number; server: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        body += chunk
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, server: String(res.headers.server), body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('conpot emulator', () => {
  it('serves a seeded Modbus register map, logs writes, and tells the same story over SNMP and HTTP', async () => {
    const started = await startBinary(conpotEmulator, { ports: [0, 0, 0], hostname: 'plc-north-1' })
    const [modbusPort, snmpPort, httpPort] = started.ports as [number, number, number]
    const client = new ModbusRTU()
    await client.connectTCP(started.host, { port: modbusPort })
    client.setID(1)
    client.setTimeout(2000)
    const registers = await client.readHoldingRegisters(0, 10)
    expect(registers.data).toHaveLength(10)
    const coils = await client.readCoils(0, 16)
    expect(coils.data).toHaveLength(16)
    await client.writeRegister(3, 4242)
    expect((await client.readHoldingRegisters(3, 1)).data).toEqual([4242])
    await expect(client.readHoldingRegisters(60_000, 5)).rejects.toMatchObject({ modbusCode: 2 })
    await new Promise<void>((resolve) => client.close(() => resolve()))

    // Same seed, same map: a second decky instance with this seed shows identical registers.
    const again = await startBinary(conpotEmulator, { ports: [0, 0, 0] })
    const second = new ModbusRTU()
    await second.connectTCP(again.host, { port: again.ports[0] as number })
    second.setTimeout(2000)
    const repeated = await second.readHoldingRegisters(0, 10)
    await new Promise<void>((resolve) => second.close(() => resolve()))
    await again.close()
    expect(repeated.data.filter((_, index) => index !== 3)).toEqual(
      registers.data.filter((_, index) => index !== 3),
    )

    // Like field devices, a non-Modbus request is answered as a frame: "illegal function" for 'T'.
    const raw = await rawConnect(started.host, modbusPort)
    raw.write('GET / HTTP/1.0\r\n\r\n')
    expect(await raw.read(9)).toEqual(Buffer.from('GET \0\x03H\xd4\x01', 'latin1'))
    raw.close()

    const write = await started.waitFor((event) => event.fields.function === 'write_single_register')
    expect(write).toMatchObject({ event: 'command', fields: { address: 3, value: 4242 } })

    const [descr, sysName] = await snmpGet(started.host, snmpPort, 'public', [
      '1.3.6.1.2.1.1.1.0',
      '1.3.6.1.2.1.1.5.0',
    ])
    const page = await httpGet(started.host, httpPort, '/')
    expect(page.status).toBe(200)
    // The web page names the station as SNMP does: the persona's host name.
    expect(String(sysName?.value)).toMatch(/\S/)
    expect(page.body).toContain(String(sysName?.value))
    const vendor = String(descr?.value).split(/[ ,]/)[0] as string
    expect(page.body).toContain(vendor)
    expect((await httpGet(started.host, httpPort, '/admin')).status).toBe(404)
    const logged = await started.waitFor((event) => event.fields.path === '/admin')
    expect(logged.fields.status).toBe(404)
  })

  it('with only the Modbus port given, binds nothing else (snmp/http may be separate services)', async () => {
    const started = await startBinary(conpotEmulator, { ports: [0] })
    expect(started.ports).toHaveLength(1)
    const client = new ModbusRTU()
    await client.connectTCP(started.host, { port: started.port })
    client.setTimeout(2000)
    expect((await client.readInputRegisters(0, 2)).data).toHaveLength(2)
    await new Promise<void>((resolve) => client.close(() => resolve()))
  })
})
