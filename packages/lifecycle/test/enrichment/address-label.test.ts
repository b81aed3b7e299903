// Special-purpose ranges are labelled (and so never looked up); public addresses are not.
import { describe, expect, it } from 'vitest'
import { addressLabel } from '../../src/index.ts'

describe('addressLabel', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.9', 'private'],
    ['::ffff:192.168.1.9', 'private'],
    ['fd12:3456::1', 'private'],
    ['169.254.10.1', 'link_local'],
    ['fe80::1', 'link_local'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['224.0.0.251', 'multicast'],
    ['ff02::1', 'multicast'],
    ['192.0.2.7', 'documentation'],
    ['198.51.100.1', 'documentation'],
    ['203.0.113.7', 'documentation'],
    ['2001:db8::7', 'documentation'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['198.18.0.1', 'benchmarking'],
    ['240.0.0.1', 'reserved'],
    ['0.1.2.3', 'reserved'],
    ['not-an-ip', 'invalid'],
    ['127.1', 'invalid'],
    ['', 'invalid'],
  ])('%s is %s', (ip, label) => {
    expect(addressLabel(ip)).toBe(label)
  })

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1', // just past 172.16.0.0/12
    '100.128.0.1', // just past the CGNAT /10
    '192.0.3.1',
    '11.0.0.1',
    '2001:4860:4860::8888',
    '::ffff:8.8.4.4',
  ])('%s is public', (ip) => {
    expect(addressLabel(ip)).toBeNull()
  })
})
