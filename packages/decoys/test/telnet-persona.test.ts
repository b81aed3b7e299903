import { describe, expect, it } from 'vitest'
import { closeStartedAfterEach, rawClient } from './helpers.ts'
import { startWithPersona, testPersona } from './persona-fixture.ts'

closeStartedAfterEach()

const telnet = (product: string) => ({ telnet: { product, version: '0.17', banner: product, attrs: {} } })

describe('telnet login banner follows the persona', () => {
  it('linux-telnetd on Debian 12: netkit option requests, then issue.net and `host login:`', async () => {
    // Tell: SNMP said Ubuntu while the telnet banner said Alpine; now the banner is the persona's distro.
    const server = await startWithPersona('telnet', testPersona({ services: telnet('linux-telnetd') }))
    const client = await rawClient(server.host, server.port)
    expect(await client.expect(/'$/)).toBe("\xff\xfd\x18\xff\xfd \xff\xfd#\xff\xfd'")
    client.send(Buffer.from([0xff, 0xfc, 0x18, 0xff, 0xfc, 0x20, 0xff, 0xfc, 0x23, 0xff, 0xfc, 0x27]))
    const banner = await client.expect(/login: $/)
    expect(banner).toBe('\xff\xfb\x03\xff\xfb\x01\r\nDebian GNU/Linux 12\r\nmx01 login: ')
  })

  it('a Rocky persona shows its issue.net with kernel and arch', async () => {
    const rocky = testPersona({
      hostname: 'app02',
      os: {
        ...testPersona().os,
        id: 'rocky',
        name: 'Rocky Linux 9.4 (Blue Onyx)',
        kernel: '5.14.0-427.13.1.el9_4.x86_64',
      },
      services: telnet('linux-telnetd'),
    })
    const server = await startWithPersona('telnet', rocky)
    const client = await rawClient(server.host, server.port)
    await client.expect(/'$/)
    client.send(Buffer.from([0xff, 0xfc, 0x18]))
    expect(await client.expect(/login: $/)).toContain(
      '\r\nRocky Linux 9.4 (Blue Onyx)\r\nKernel 5.14.0-427.13.1.el9_4.x86_64 on an x86_64\r\napp02 login: ',
    )
  })

  it('busybox: its own option bytes and an immediate `host login:` (as nmap knows BusyBox telnetd)', async () => {
    const server = await startWithPersona(
      'telnet',
      testPersona({ hostname: 'cam-7f3a', services: telnet('busybox') }),
    )
    const client = await rawClient(server.host, server.port)
    expect(await client.expect(/login: $/)).toBe(
      '\xff\xfd\x01\xff\xfd\x1f\xff\xfb\x01\xff\xfb\x03\r\r\ncam-7f3a login: ',
    )
  })
})
