import { describe, expect, it } from 'vitest'
import { closeStartedAfterEach, rawClient } from './helpers.ts'
import { startWithPersona, testPersona } from './persona-fixture.ts'

closeStartedAfterEach()

const telnet = (product: string, banner = product) => ({
  telnet: { product, version: '0.17', banner, attrs: {} },
})

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
      testPersona({ hostname: 'cam-7f3a', services: telnet('busybox', 'BusyBox v1.36.1') }),
    )
    const client = await rawClient(server.host, server.port)
    expect(await client.expect(/login: $/)).toBe(
      '\xff\xfd\x01\xff\xfd\x1f\xff\xfb\x01\xff\xfb\x03\r\r\ncam-7f3a login: ',
    )
  })
})

describe('telnet on devices', () => {
  it('Cisco IOS: its option bytes, "User Access Verification" and "% Login invalid"', async () => {
    const server = await startWithPersona(
      'telnet',
      testPersona({
        hostname: 'sw-core-01',
        services: {
          telnet: {
            product: 'cisco-ios',
            version: '15.2(7)E10',
            banner: 'User Access Verification',
            attrs: {},
          },
        },
      }),
    )
    const client = await rawClient(server.host, server.port)
    expect(await client.expect(/Username: $/)).toBe(
      '\xff\xfb\x01\xff\xfb\x03\xff\xfd\x18\xff\xfd\x1f\r\n\r\nUser Access Verification\r\n\r\nUsername: ',
    )
    client.send('admin\r\n')
    await client.expect(/Password: $/)
    client.send('cisco\r\n')
    expect(await client.expect(/Username: $/)).toContain('% Login invalid\r\n\r\nUsername: ')
    const attempt = await server.waitFor((e) => e.event === 'auth_attempt')
    expect(attempt.fields).toMatchObject({ username: 'admin', password: 'cisco', success: false })
  })

  it('a printer console (persona banner "HP JetDirect"): its name and a password prompt', async () => {
    const server = await startWithPersona(
      'telnet',
      testPersona({
        hostname: 'NPI3A4F2C',
        services: { telnet: { product: 'busybox', version: '1.0', banner: 'HP JetDirect', attrs: {} } },
      }),
    )
    const client = await rawClient(server.host, server.port)
    expect(await client.expect(/Password:$/)).toBe('\xff\xfc\x01\r\nHP JetDirect\r\n\r\nPassword:')
    client.send('1234\r\n')
    const attempt = await server.waitFor((e) => e.event === 'auth_attempt')
    expect(attempt.fields).toMatchObject({ username: '', password: '1234', success: false })
  })
})
