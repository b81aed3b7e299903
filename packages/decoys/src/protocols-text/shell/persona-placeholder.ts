import { createHash } from 'node:crypto'
import type { Persona } from '@decnet/core/schemas'
import type { EmulatorContext } from '../../emulator.ts'
import { seededRandom } from '../../framework/random.ts'

// TEMPORARY until the persona lands on main (ctx.persona): a persona from the legacy seed/distro.
export function placeholderPersona(ctx: EmulatorContext): Persona {
  const random = seededRandom(`${ctx.seed}/placeholder`)
  const seed = createHash('sha256').update(ctx.seed).digest('hex').slice(0, 32)
  const debian = ctx.distro !== 'alpine' && ctx.distro !== 'rocky9'
  return {
    version: 1,
    seed,
    family: 'linux',
    stack: 'linux',
    nmapClass: { vendor: 'Linux', osFamily: 'Linux', deviceType: 'general purpose' },
    os: {
      vendor: 'Debian',
      name: debian
        ? 'Debian GNU/Linux 12 (bookworm)'
        : ctx.distro === 'alpine'
          ? 'Alpine Linux v3.19'
          : 'Rocky Linux 9.3 (Blue Onyx)',
      id: debian ? 'debian' : ctx.distro === 'alpine' ? 'alpine' : 'rocky',
      versionId: debian ? '12' : ctx.distro === 'alpine' ? '3.19.1' : '9.3',
      codename: debian ? 'bookworm' : null,
      kernel: debian
        ? '6.1.0-28-amd64'
        : ctx.distro === 'alpine'
          ? '6.6.14-0-lts'
          : '5.14.0-362.8.1.el9_3.x86_64',
      kernelVersion: debian
        ? '#1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22)'
        : ctx.distro === 'alpine'
          ? '#1-Alpine SMP PREEMPT_DYNAMIC Fri, 26 Jan 2024 11:08:53 +0000'
          : '#1 SMP PREEMPT_DYNAMIC Wed Nov 8 17:36:32 UTC 2023',
      arch: 'x86_64',
      windows: null,
    },
    hostname: ctx.hostname,
    domain: null,
    hardware: {
      vendor: 'Dell Inc.',
      model: 'PowerEdge R640',
      serial: random.hex(7).toUpperCase(),
      cpuModel: 'Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz',
      cpuMhz: 2100 + random.int(0, 999) / 1000,
      cpuCores: 8,
      cacheKb: 28160,
      memoryKb: 16_000_000 + random.int(0, 300_000),
    },
    mac: `52:54:00:${random.hex(2)}:${random.hex(2)}:${random.hex(2)}`,
    machineId: random.hex(32),
    bootTime: Math.floor(Date.now() / 1000) - random.int(86_400, 90 * 86_400),
    loadBase: 0.1 + random.next(),
    timezone: 'UTC',
    services: {
      ssh: { product: 'openssh', version: '9.2p1', banner: 'OpenSSH_9.2p1 Debian-2+deb12u3', attrs: {} },
    },
  }
}
