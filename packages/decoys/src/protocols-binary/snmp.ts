import type { Emulator } from '../emulator.ts'
import { configString } from '../framework/config.ts'
import { udpOnEveryPort } from '../framework/listeners.ts'
import { seededRandom } from '../framework/random.ts'
import { snmpAgent, systemGroup } from './snmp-agent.ts'
import { wireSafe } from './text.ts'

const NET_SNMP = '1.3.6.1.4.1.8072.3.2.10'

/** Kernel lines net-snmp reports on each catalogue distro, so SNMP tells the decky's OS story. */
const LINUX_BY_DISTRO: Record<string, string> = {
  ubuntu22: 'Linux {host} 5.15.0-{n}-generic #{m}-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023 x86_64',
  ubuntu20: 'Linux {host} 5.4.0-{n}-generic #{m}-Ubuntu SMP Fri Sep 8 14:37:16 UTC 2023 x86_64',
  debian: 'Linux {host} 6.1.0-{k}-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.{m}-1 (2024-02-03) x86_64',
  rocky9: 'Linux {host} 5.14.0-{n}.el9_3.x86_64 #1 SMP PREEMPT_DYNAMIC Wed Nov 15 08:45:32 UTC 2023 x86_64',
  centos7: 'Linux {host} 3.10.0-1160.{n}.1.el7.x86_64 #1 SMP Tue Nov 30 15:51:32 UTC 2021 x86_64',
  fedora: 'Linux {host} 6.{k}.{m}-200.fc39.x86_64 #1 SMP PREEMPT_DYNAMIC Mon Jan 22 21:45:33 UTC 2024 x86_64',
}

/** Device personas: sysDescr template ({host} = hostname), sysObjectID, sysServices. */
const PERSONAS = [
  {
    descr: 'Linux {host} 5.15.0-{n}-generic #{m}-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023 x86_64',
    objectId: NET_SNMP,
    services: 72,
  },
  {
    descr: 'Linux {host} 4.18.0-{n}.el8.x86_64 #1 SMP Thu Oct 5 08:11:31 UTC 2023 x86_64',
    objectId: NET_SNMP,
    services: 72,
  },
  {
    descr:
      'Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version 15.0(2)SE{m}, RELEASE SOFTWARE (fc1)\r\nTechnical Support: http://www.cisco.com/techsupport\r\nCopyright (c) 1986-2016 by Cisco Systems, Inc.',
    objectId: '1.3.6.1.4.1.9.1.1208',
    services: 2,
  },
  {
    descr:
      'Hardware: Intel64 Family 6 Model 85 Stepping 7 AT/AT COMPATIBLE - Software: Windows Version 6.3 (Build {b} Multiprocessor Free)',
    objectId: '1.3.6.1.4.1.311.1.1.3.1.2',
    services: 76,
  },
  {
    descr: 'HP ETHERNET MULTI-ENVIRONMENT,ROM none,JETDIRECT,JD153,EEPROM JSI2{m}FXXX,CIDATE 07/20/2020',
    objectId: '1.3.6.1.4.1.11.2.3.9.1',
    services: 72,
  },
]
const LOCATIONS = ['Server Room', 'Rack B2', 'IDF 3rd floor', 'DC1 row 4', 'Main office', 'Building A']

/**
 * SNMPv1/v2c agent: every request is logged with its community and OIDs; the system group is
 * answered only for the configured community (`community`, default `public`), else silence.
 */
export const snmpEmulator: Emulator = {
  slug: 'snmp',
  async start(ctx) {
    const random = seededRandom(ctx.seed).fork('snmp')
    const linux = ctx.distro ? LINUX_BY_DISTRO[ctx.distro] : undefined
    const persona = linux ? { descr: linux, objectId: NET_SNMP, services: 72 } : random.pick(PERSONAS)
    const descr = persona.descr
      .replace('{host}', ctx.hostname)
      .replace('{k}', String(random.int(6, 18)))
      .replace('{n}', String(random.int(56, 125)))
      .replace('{m}', String(random.int(2, 140)))
      .replace('{b}', String(random.pick([9600, 14393, 17763])))
    const community = configString(ctx.config, 'community') ?? 'public'
    const mib = systemGroup({
      descr: configString(ctx.config, 'sys_descr') ?? descr,
      objectId: persona.objectId,
      bootedAt: Date.now() - random.int(3, 400) * 86_400_000 - random.int(0, 86_399_999),
      contact: wireSafe(
        configString(ctx.config, 'sys_contact') ?? random.pick(['root', 'admin', 'it@localhost', 'noc', '']),
      ),
      name: ctx.hostname,
      location: wireSafe(configString(ctx.config, 'sys_location') ?? random.pick(LOCATIONS)),
      services: persona.services,
    })
    return udpOnEveryPort(ctx, {
      maxDatagramBytes: 4096,
      handle: snmpAgent({ mib, communities: [community] }),
    })
  },
}
