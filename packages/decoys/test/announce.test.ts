import { describe, expect, it } from 'vitest'
import { defaultGateway } from '../src/announce.ts'

const HEADER = 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT'

describe('defaultGateway', () => {
  it('reads the default route of /proc/net/route (hex, little-endian)', () => {
    const table = [
      HEADER,
      'eth0\t0010A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0',
      'eth0\t00000000\t0100A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0',
    ].join('\n')
    expect(defaultGateway(table)).toBe('192.168.0.1')
  })

  it('has none on an internal network or for a route that is down', () => {
    expect(defaultGateway(`${HEADER}\neth0\t0010A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n`)).toBe(
      undefined,
    )
    expect(defaultGateway(`${HEADER}\neth0\t00000000\t0100A8C0\t0002\t0\t0\t0\t00000000\t0\t0\t0\n`)).toBe(
      undefined,
    )
  })
})
