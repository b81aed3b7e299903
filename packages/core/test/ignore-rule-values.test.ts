import { describe, expect, it } from 'vitest'
import { formatIpv6, parseIpv6 } from '../src/net/ipv6.ts'
import { ignoreCidrProblem, ignoreRuleValueProblem } from '../src/schemas/incident-requests.ts'

describe('ignore rule values', () => {
  it.each([
    '198.51.100.0/24',
    '198.51.100.7/32',
    '10.0.0.0/8',
    '2001:db8::/32',
    '2001:db8:85a3::8a2e:370:7334/128',
    '::1/128',
    'fe80::/16',
  ])('accepts the network %s', (cidr) => {
    expect(ignoreCidrProblem(cidr)).toBeNull()
  })

  it.each([
    ['10.0.0.5/8', 'has host bits set (did you mean 10.0.0.0/8?)'],
    ['10.0.0.0/7', 'between /8 and /32'],
    ['10.0.0.0', 'is not a CIDR'],
    ['1.2.3.4.5/32', 'not a valid IPv4 address'],
    ['2001:db8::1/32', 'has host bits set (did you mean 2001:db8::/32?)'],
    ['2001:db8::/8', 'between /16 and /128'],
    ['2001:DB8::/32', 'is not a CIDR'],
    ['2001:db8:::/32', 'not a valid IPv6 address'],
    ['1:2:3:4:5:6:7:8:9/128', 'not a valid IPv6 address'],
    ['1::2::3/128', 'not a valid IPv6 address'],
    ['::ffff:1.2.3.4/128', 'not a valid IPv6 address'],
  ])('refuses %s: %s', (cidr, why) => {
    expect(ignoreCidrProblem(cidr)).toContain(why)
  })

  it('parses and prints IPv6 as RFC 5952 does', () => {
    const text = (s: string) => formatIpv6(parseIpv6(s) ?? -1n)
    expect(text('2001:0db8:0000:0000:0000:0000:0000:0001')).toBe('2001:db8::1')
    expect(text('2001:db8:0:1:0:0:0:1')).toBe('2001:db8:0:1::1')
    expect(text('::')).toBe('::')
    expect(text('1:0:0:2:0:0:0:3')).toBe('1:0:0:2::3')
    expect(text('1:2:3:4:5:6:7:8')).toBe('1:2:3:4:5:6:7:8')
  })

  it('checks services against the catalogue and decky names against the pattern', () => {
    expect(ignoreRuleValueProblem('service', 'smtp_relay')).toBeNull()
    expect(ignoreRuleValueProblem('service', 'gopher')).toContain('not a service of the catalogue')
    expect(ignoreRuleValueProblem('decky', 'web-01')).toBeNull()
    expect(ignoreRuleValueProblem('decky', 'web.01')).toContain('not a decky name')
    expect(ignoreRuleValueProblem('scanner', 'zgrab2')).toBeNull()
  })
})
