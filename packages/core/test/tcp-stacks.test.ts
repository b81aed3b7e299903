import { describe, expect, it } from 'vitest'
import {
  defaultTcpStackId,
  OS_FAMILIES,
  sysctlsFor,
  TCP_STACK_IDS,
  TCP_STACKS,
  tcpStackFor,
} from '../src/index.ts'

describe('TCP/IP stack profiles', () => {
  it('gives every OS family a default profile whose sysctls the family keeps', () => {
    for (const family of OS_FAMILIES) {
      const stack = tcpStackFor(family.slug)
      expect(stack.family).toBe(family.slug)
      expect(sysctlsFor(family.slug)).toEqual(stack.sysctls)
    }
    expect(defaultTcpStackId('windows')).toBe('windows-10')
    expect(defaultTcpStackId('windows_server')).toBe('windows-server')
    expect(defaultTcpStackId('nonsense')).toBe('linux')
  })

  it('names a profile explicitly and refuses unknown ids', () => {
    expect(tcpStackFor('embedded', 'printer').id).toBe('printer')
    expect(() => tcpStackFor('linux', 'amiga')).toThrow(/unknown TCP\/IP stack profile 'amiga'/)
    expect(TCP_STACKS.map((s) => s.id)).toEqual([...TCP_STACK_IDS])
  })

  it('keeps the window-scale factor truthful: set by the receive buffer or a route clamp, never rewritten', () => {
    // nmap read W8 from Windows 10 and W7 from Linux 4.15–5.x; the host kernel 6.x alone offers W10.
    const scale = (bytes: number) => Math.max(0, Math.ceil(Math.log2((bytes + 1) / 65536)))
    const rmemMax = (id: string) =>
      Number(tcpStackFor('linux', id).sysctls['net.ipv4.tcp_rmem']?.split(' ')[2])
    expect(scale(rmemMax('windows-10'))).toBe(8)
    expect(scale(rmemMax('linux'))).toBe(7)
    expect(scale(tcpStackFor('embedded', 'embedded-linux').shaping?.routeWindowClamp ?? 0)).toBe(1)
    expect(scale(tcpStackFor('embedded', 'printer').shaping?.routeWindowClamp ?? 0)).toBe(2)
  })

  it('claims an nmap class for every shaped profile and for linux', () => {
    for (const stack of TCP_STACKS) if (stack.shaping) expect(stack.nmapClass).toBeDefined()
    expect(tcpStackFor('windows').sysctls['net.ipv4.ip_default_ttl']).toBe('128')
  })
})
