import type { Emulator } from '../emulator.ts'
import { configString } from '../framework/config.ts'
import { udpOnEveryPort } from '../framework/listeners.ts'
import { snmpAgent } from './snmp-agent.ts'
import { hostMib, snmpEngine } from './snmp-host-mib.ts'
import { wireSafe } from './text.ts'

/**
 * SNMPv1/v2c agent: every request is logged with its community and OIDs; the persona's MIB (system,
 * interfaces, hrSystem) is answered only for the configured community (`community`, default
 * `public`), else silence. sysDescr/sysContact/sysLocation config override the persona's.
 */
export const snmpEmulator: Emulator = {
  slug: 'snmp',
  async start(ctx) {
    const community = configString(ctx.config, 'community') ?? 'public'
    const text = (key: string) => {
      const value = configString(ctx.config, key)
      return value === undefined ? undefined : wireSafe(value)
    }
    const mib = hostMib(ctx.persona, ctx.persona.services.snmp, {
      descr: text('sys_descr'),
      contact: text('sys_contact'),
      location: text('sys_location'),
    })
    return udpOnEveryPort(ctx, {
      maxDatagramBytes: 4096,
      handle: snmpAgent({
        mib,
        communities: [community],
        engine: snmpEngine(ctx.persona, ctx.persona.services.snmp),
      }),
    })
  },
}
