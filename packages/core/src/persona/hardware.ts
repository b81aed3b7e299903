// Machines a persona may run on: system vendor/model as DMI or SNMP report them, CPUs, memory, and
// the NIC vendor OUIs that go with that hardware (a Hyper-V OUI only on Hyper-V guests, a printer
// vendor's only on its printers), so MAC, DMI and banners tell the same story.
import { pickOne, type RandomSource, randomInt } from '../random.ts'
import type { PersonaHardware } from '../schemas/persona.ts'

export type Cpu = {
  model: string
  mhz: number
  cores: readonly number[]
  cacheKb: number
  /** CPUID family/model/stepping, as Windows' SNMP sysDescr prints them. */
  cpuid: { family: number; model: number; stepping: number }
}

export type HardwareProfile = {
  id: string
  vendor: string
  model: string
  virtual: boolean
  cpus: readonly Cpu[]
  /** Installed memory choices, GiB (MemTotal is a little less: the kernel keeps some). */
  memoryGb: readonly number[]
  /** Real, globally administered OUIs of this hardware's NICs. */
  ouis: readonly string[]
  serial: (random: RandomSource) => string
}

const XEON_GOLD_6230: Cpu = {
  model: 'Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz',
  mhz: 2100,
  cores: [2, 4, 8],
  cacheKb: 28160,
  cpuid: { family: 6, model: 85, stepping: 7 },
}
const XEON_SILVER_4214: Cpu = {
  model: 'Intel(R) Xeon(R) Silver 4214 CPU @ 2.20GHz',
  mhz: 2200,
  cores: [2, 4, 8],
  cacheKb: 16896,
  cpuid: { family: 6, model: 85, stepping: 7 },
}
const XEON_E5_2680V4: Cpu = {
  model: 'Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz',
  mhz: 2400,
  cores: [2, 4, 8],
  cacheKb: 35840,
  cpuid: { family: 6, model: 79, stepping: 1 },
}
const XEON_GOLD_6338: Cpu = {
  model: 'Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz',
  mhz: 2000,
  cores: [4, 8, 16],
  cacheKb: 49152,
  cpuid: { family: 6, model: 106, stepping: 6 },
}
const EPYC_7302: Cpu = {
  model: 'AMD EPYC 7302 16-Core Processor',
  mhz: 2994.374,
  cores: [2, 4, 8, 16],
  cacheKb: 512,
  cpuid: { family: 23, model: 49, stepping: 0 },
}
const CORE_I7_10700: Cpu = {
  model: 'Intel(R) Core(TM) i7-10700 CPU @ 2.90GHz',
  mhz: 2904,
  cores: [8],
  cacheKb: 16384,
  cpuid: { family: 6, model: 165, stepping: 5 },
}
const CORE_I5_10500: Cpu = {
  model: 'Intel(R) Core(TM) i5-10500 CPU @ 3.10GHz',
  mhz: 3096,
  cores: [6],
  cacheKb: 12288,
  cpuid: { family: 6, model: 165, stepping: 3 },
}
const CORE_I7_12700: Cpu = {
  model: '12th Gen Intel(R) Core(TM) i7-12700',
  mhz: 2100,
  cores: [12],
  cacheKb: 25600,
  cpuid: { family: 6, model: 151, stepping: 2 },
}
const CORE_I5_13500: Cpu = {
  model: '13th Gen Intel(R) Core(TM) i5-13500',
  mhz: 2500,
  cores: [14],
  cacheKb: 24576,
  cpuid: { family: 6, model: 191, stepping: 2 },
}

const ALNUM_UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
const DIGITS = '0123456789'
const HEX = '0123456789abcdef'
export const draw = (random: RandomSource, alphabet: string, length: number): string =>
  Array.from({ length }, () => alphabet[randomInt(random, 0, alphabet.length - 1)]).join('')

const dellServiceTag = (random: RandomSource) => draw(random, ALNUM_UPPER, 7)
const hpSerial = (prefix: string) => (random: RandomSource) => `${prefix}${draw(random, ALNUM_UPPER, 7)}`
/** `VMware-56 4d 2b …-… ` as the SMBIOS serial of a VMware guest. */
const vmwareSerial = (random: RandomSource) => {
  const bytes = Array.from({ length: 16 }, () => draw(random, HEX, 2))
  return `VMware-${bytes.slice(0, 8).join(' ')}-${bytes.slice(8).join(' ')}`
}
/** Hyper-V guests: `NNNN-NNNN-…-NN` (seven groups of digits). */
const hyperVSerial = (random: RandomSource) =>
  [4, 4, 4, 4, 4, 4, 2].map((length) => draw(random, DIGITS, length)).join('-')

const DELL_OUIS = ['00:14:22', '18:66:DA', 'B8:CA:3A', 'F8:BC:12']
const HP_OUIS = ['00:1E:0B', '9C:8E:99', '94:57:A5']
const HPE_OUIS = ['94:18:82', '3C:D9:2B', '48:DF:37']
const SUPERMICRO_OUIS = ['00:25:90', 'AC:1F:6B', '0C:C4:7A']

const VMWARE: HardwareProfile = {
  id: 'vmware',
  vendor: 'VMware, Inc.',
  model: 'VMware Virtual Platform',
  virtual: true,
  cpus: [XEON_GOLD_6230, XEON_SILVER_4214, XEON_E5_2680V4, XEON_GOLD_6338],
  memoryGb: [4, 8, 16, 32],
  ouis: ['00:0C:29', '00:50:56'],
  serial: vmwareSerial,
}
const HYPER_V: HardwareProfile = {
  id: 'hyper-v',
  vendor: 'Microsoft Corporation',
  model: 'Virtual Machine',
  virtual: true,
  cpus: [XEON_GOLD_6230, XEON_SILVER_4214, XEON_GOLD_6338, EPYC_7302],
  memoryGb: [4, 8, 16, 32],
  ouis: ['00:15:5D'],
  serial: hyperVSerial,
}
const KVM: HardwareProfile = {
  id: 'kvm',
  vendor: 'QEMU',
  model: 'Standard PC (Q35 + ICH9, 2009)',
  virtual: true,
  cpus: [XEON_GOLD_6230, EPYC_7302, XEON_E5_2680V4],
  memoryGb: [2, 4, 8, 16],
  ouis: ['52:54:00'],
  serial: () => 'Not Specified',
}
const POWEREDGE: HardwareProfile = {
  id: 'dell-poweredge',
  vendor: 'Dell Inc.',
  model: 'PowerEdge R640',
  virtual: false,
  cpus: [XEON_GOLD_6230, XEON_SILVER_4214],
  memoryGb: [64, 128, 192],
  ouis: DELL_OUIS,
  serial: dellServiceTag,
}
const PROLIANT: HardwareProfile = {
  id: 'hpe-proliant',
  vendor: 'HPE',
  model: 'ProLiant DL360 Gen10',
  virtual: false,
  cpus: [XEON_GOLD_6230, XEON_SILVER_4214],
  memoryGb: [64, 128, 256],
  ouis: HPE_OUIS,
  serial: hpSerial('CZJ'),
}
const SUPERMICRO: HardwareProfile = {
  id: 'supermicro',
  vendor: 'Supermicro',
  model: 'SYS-1029P-WTR',
  virtual: false,
  cpus: [XEON_SILVER_4214, XEON_E5_2680V4],
  memoryGb: [32, 64, 128],
  ouis: SUPERMICRO_OUIS,
  serial: (random) => `S${draw(random, DIGITS, 9)}`,
}
const OPTIPLEX: HardwareProfile = {
  id: 'dell-optiplex',
  vendor: 'Dell Inc.',
  model: 'OptiPlex 7090',
  virtual: false,
  cpus: [CORE_I7_10700, CORE_I5_10500],
  memoryGb: [8, 16, 32],
  ouis: DELL_OUIS,
  serial: dellServiceTag,
}
const ELITEDESK: HardwareProfile = {
  id: 'hp-elitedesk',
  vendor: 'HP',
  model: 'HP EliteDesk 800 G6 Small Form Factor PC',
  virtual: false,
  cpus: [CORE_I7_10700, CORE_I5_10500],
  memoryGb: [8, 16, 32],
  ouis: HP_OUIS,
  serial: hpSerial('CZC'),
}
const OPTIPLEX_NEW: HardwareProfile = {
  id: 'dell-optiplex-7010',
  vendor: 'Dell Inc.',
  model: 'OptiPlex 7010',
  virtual: false,
  cpus: [CORE_I7_12700, CORE_I5_13500],
  memoryGb: [16, 32],
  ouis: DELL_OUIS,
  serial: dellServiceTag,
}

export const HARDWARE = {
  linuxServer: [VMWARE, KVM, VMWARE, POWEREDGE, PROLIANT, SUPERMICRO],
  windowsServer: [VMWARE, HYPER_V, HYPER_V, POWEREDGE, PROLIANT],
  windowsWorkstation: [OPTIPLEX, ELITEDESK, OPTIPLEX_NEW],
  bsd: [SUPERMICRO, VMWARE],
} as const

/** Concrete hardware for one persona: a model, a CPU, cores, memory and its serial. */
export function drawHardware(profile: HardwareProfile, random: RandomSource): PersonaHardware {
  const cpu = pickOne(random, profile.cpus)
  const gb = pickOne(random, profile.memoryGb)
  // MemTotal: the firmware and kernel keep 2–4% of installed memory.
  const memoryKb = Math.round(gb * 1048576 * (0.96 + random() * 0.02))
  return {
    vendor: profile.vendor,
    model: profile.model,
    serial: profile.serial(random),
    cpuModel: cpu.model,
    cpuMhz: cpu.mhz,
    cpuCores: pickOne(random, cpu.cores),
    cacheKb: cpu.cacheKb,
    memoryKb,
  }
}

export function cpuOf(hardware: PersonaHardware): Cpu | undefined {
  return [
    XEON_GOLD_6230,
    XEON_SILVER_4214,
    XEON_E5_2680V4,
    XEON_GOLD_6338,
    EPYC_7302,
    CORE_I7_10700,
    CORE_I5_10500,
    CORE_I7_12700,
    CORE_I5_13500,
  ].find((cpu) => cpu.model === hardware.cpuModel)
}
