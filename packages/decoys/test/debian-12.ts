import type { Persona } from '@decnet/core/schemas'

/** The Debian 12 machine facts the hand-written test personas share (as derivePersona writes them). */
export const DEBIAN_12: Pick<Persona, 'family' | 'stack' | 'nmapClass' | 'os'> = {
  family: 'linux',
  stack: 'linux',
  nmapClass: { vendor: 'Linux', osFamily: 'Linux', deviceType: 'general purpose' },
  os: {
    vendor: 'Debian',
    name: 'Debian GNU/Linux 12 (bookworm)',
    id: 'debian',
    versionId: '12',
    codename: 'bookworm',
    kernel: '6.1.0-28-amd64',
    kernelVersion: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22)',
    arch: 'x86_64',
    windows: null,
  },
}

/** Ubuntu 22.04's os facts, for the tests' Ubuntu hosts. */
export const UBUNTU_22_04_OS: Persona['os'] = {
  vendor: 'Canonical',
  name: 'Ubuntu 22.04.5 LTS',
  id: 'ubuntu',
  versionId: '22.04',
  codename: 'jammy',
  kernel: '5.15.0-126-generic',
  kernelVersion: '#136-Ubuntu SMP Wed Nov 6 10:38:22 UTC 2024',
  arch: 'x86_64',
  windows: null,
}
