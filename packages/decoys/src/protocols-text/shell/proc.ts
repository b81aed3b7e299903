import { createHash } from 'node:crypto'
import type { Persona } from '@decnet/core/schemas'
import { loadAt, personaStream, uptimeAt } from './persona-facts.ts'

/**
 * /proc as the persona's kernel shows it, computed at each read: uptime and load move with time,
 * memory drifts, and cpufreq shows a slightly different clock at every read on bare metal.
 * `jitter` is a source in [0, 1) for the per-read noise (Math.random in production).
 */
export type ProcReader = {
  cpuinfo(): string
  meminfo(nowMs: number): string
  loadavg(nowMs: number): string
  uptime(nowMs: number): string
  version(): string
  memory(nowMs: number): MemorySnapshot
}

export type MemorySnapshot = {
  totalKb: number
  freeKb: number
  availableKb: number
  buffersKb: number
  cachedKb: number
  sReclaimableKb: number
  shmemKb: number
  swapTotalKb: number
  swapFreeKb: number
}

/** Hypervisors whose guests show a fixed TSC clock rather than a wandering cpufreq. */
const HYPERVISOR_VENDORS =
  /qemu|kvm|vmware|microsoft|xen|innotek|virtualbox|amazon|google|openstack|parallels/i

export function isVirtual(persona: Persona): boolean {
  return HYPERVISOR_VENDORS.test(`${persona.hardware.vendor} ${persona.hardware.model}`)
}

export function procReader(persona: Persona, kernel: string, jitter: () => number = Math.random): ProcReader {
  const memory = memoryModel(persona, jitter)
  const tasks = personaStream(persona, 'tasks')
  const taskBase = tasks.int(95, 240)
  const pidBase = tasks.int(300, 2_000)
  // New processes per second: cron jobs, ssh logins, service workers.
  const pidRate = 0.004 + tasks.next() * 0.04
  const pidMax = persona.os.id === 'alpine' || persona.family === 'embedded' ? 32_768 : 4_194_304
  const idleShare = 0.93 + personaStream(persona, 'idle').next() * 0.06
  return {
    cpuinfo: () => cpuinfo(persona, jitter),
    meminfo: (nowMs) => meminfo(memory(nowMs)),
    memory,
    loadavg: (nowMs) => {
      const [one, five, fifteen] = loadAt(persona, nowMs)
      const up = uptimeAt(persona, nowMs)
      const running = 1 + Math.min(4, Math.floor(one * jitter()))
      const total = taskBase + Math.floor(Math.sin(nowMs / 3_600_000) * 6 + jitter() * 4)
      const lastPid = (pidBase + Math.floor(up * pidRate)) % pidMax
      return `${one.toFixed(2)} ${five.toFixed(2)} ${fifteen.toFixed(2)} ${running}/${total} ${lastPid}\n`
    },
    uptime: (nowMs) => {
      const up = uptimeAt(persona, nowMs)
      return `${up.toFixed(2)} ${(up * persona.hardware.cpuCores * idleShare).toFixed(2)}\n`
    },
    version: () => procVersion(persona, kernel),
  }
}

function memoryModel(persona: Persona, jitter: () => number): (nowMs: number) => MemorySnapshot {
  const random = personaStream(persona, 'memory')
  const totalKb = persona.hardware.memoryKb
  const usedShare = 0.12 + random.next() * 0.33
  const cacheCeiling = 0.25 + random.next() * 0.35
  // Appliances run without swap; servers often keep the installer's swap partition or file.
  const swapTotalKb = persona.family === 'embedded' ? 0 : random.pick([0, 0, 1_048_572, 2_097_148, 4_194_300])
  const shmemKb = Math.floor(totalKb * (0.002 + random.next() * 0.02))
  const phase = random.next() * 6.28
  return (nowMs) => {
    const upDays = uptimeAt(persona, nowMs) / 86_400
    // Page cache fills over the first days after boot, then stays near its ceiling.
    const cacheShare = cacheCeiling * (1 - Math.exp(-upDays / 2))
    const used = usedShare + Math.sin(nowMs / 5_400_000 + phase) * 0.02 + (jitter() - 0.5) * 0.004
    const usedKb = Math.floor(totalKb * used)
    const buffersKb = Math.floor(totalKb * cacheShare * 0.06)
    const sReclaimableKb = Math.floor(totalKb * cacheShare * 0.07)
    const cachedKb = Math.floor(totalKb * cacheShare * 0.87) + shmemKb
    const freeKb = Math.max(totalKb >> 5, totalKb - usedKb - buffersKb - cachedKb - sReclaimableKb)
    const swapUsedKb = swapTotalKb ? Math.floor(swapTotalKb * Math.min(0.3, upDays / 400)) : 0
    return {
      totalKb,
      freeKb,
      availableKb: Math.min(
        totalKb,
        freeKb + Math.floor((cachedKb - shmemKb) * 0.9) + buffersKb + sReclaimableKb,
      ),
      buffersKb,
      cachedKb,
      sReclaimableKb,
      shmemKb,
      swapTotalKb,
      swapFreeKb: swapTotalKb - swapUsedKb,
    }
  }
}

function meminfo(m: MemorySnapshot): string {
  const anon = m.totalKb - m.freeKb - m.buffersKb - m.cachedKb - m.sReclaimableKb
  const slab = Math.floor(m.sReclaimableKb * 1.6)
  const rows: [string, number][] = [
    ['MemTotal', m.totalKb],
    ['MemFree', m.freeKb],
    ['MemAvailable', m.availableKb],
    ['Buffers', m.buffersKb],
    ['Cached', m.cachedKb],
    ['SwapCached', Math.floor((m.swapTotalKb - m.swapFreeKb) / 40)],
    ['Active', Math.floor(anon * 0.2 + m.cachedKb * 0.45)],
    ['Inactive', Math.floor(anon * 0.75 + m.cachedKb * 0.5)],
    ['Active(anon)', Math.floor(anon * 0.2)],
    ['Inactive(anon)', Math.floor(anon * 0.75)],
    ['Active(file)', Math.floor(m.cachedKb * 0.45)],
    ['Inactive(file)', Math.floor(m.cachedKb * 0.5)],
    ['Unevictable', 0],
    ['Mlocked', 0],
    ['SwapTotal', m.swapTotalKb],
    ['SwapFree', m.swapFreeKb],
    ['Dirty', Math.floor(m.cachedKb / 9000) * 4],
    ['Writeback', 0],
    ['AnonPages', Math.floor(anon * 0.92)],
    ['Mapped', Math.floor(m.cachedKb * 0.12)],
    ['Shmem', m.shmemKb],
    ['KReclaimable', m.sReclaimableKb],
    ['Slab', slab],
    ['SReclaimable', m.sReclaimableKb],
    ['SUnreclaim', slab - m.sReclaimableKb],
    ['KernelStack', 2_000 + Math.floor(m.totalKb / 2_000)],
    ['PageTables', Math.floor(anon / 60)],
    ['NFS_Unstable', 0],
    ['Bounce', 0],
    ['WritebackTmp', 0],
    ['CommitLimit', Math.floor(m.totalKb / 2) + m.swapTotalKb],
    ['Committed_AS', Math.floor(anon * 2.3)],
    ['VmallocTotal', 34_359_738_367],
    ['VmallocUsed', 20_000 + Math.floor(m.totalKb / 400)],
    ['VmallocChunk', 0],
    ['Percpu', 1_000 + Math.floor(m.totalKb / 4_000)],
    ['HardwareCorrupted', 0],
    ['AnonHugePages', 0],
    ['ShmemHugePages', 0],
    ['ShmemPmdMapped', 0],
    ['FileHugePages', 0],
    ['FilePmdMapped', 0],
  ]
  const kb = rows.map(([key, value]) => `${`${key}:`.padEnd(16)}${String(value).padStart(8)} kB`)
  const huge = ['HugePages_Total', 'HugePages_Free', 'HugePages_Rsvd', 'HugePages_Surp'].map(
    (key) => `${`${key}:`.padEnd(16)}${'0'.padStart(8)}`,
  )
  const direct4k = 100_000 + (m.totalKb % 200_000)
  const tail: [string, number][] = [
    ['Hugepagesize', 2048],
    ['Hugetlb', 0],
    ['DirectMap4k', direct4k],
    ['DirectMap2M', Math.floor((m.totalKb - direct4k) / 2048) * 2048],
  ]
  return `${[...kb, ...huge, ...tail.map(([key, value]) => `${`${key}:`.padEnd(16)}${String(value).padStart(8)} kB`)].join('\n')}\n`
}

type CpuIdentity = { family: number; model: number; stepping: number; microcode: string; flags: string }

const INTEL_FLAGS_BASE =
  'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush dts acpi mmx fxsr sse sse2 ss ht tm pbe syscall nx pdpe1gb rdtscp lm constant_tsc art arch_perfmon pebs bts rep_good nopl xtopology nonstop_tsc cpuid aperfmperf pni pclmulqdq dtes64 monitor ds_cpl vmx smx est tm2 ssse3 sdbg fma cx16 xtpr pdcm pcid dca sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand lahf_lm abm 3dnowprefetch cpuid_fault epb cat_l3 cdp_l3 invpcid_single intel_ppin ssbd mba ibrs ibpb stibp ibrs_enhanced tpr_shadow vnmi flexpriority ept vpid ept_ad fsgsbase tsc_adjust bmi1 hle avx2 smep bmi2 erms invpcid rtm cqm mpx rdt_a'
const INTEL_AVX512 = ' avx512f avx512dq rdseed adx smap clflushopt clwb intel_pt avx512cd avx512bw avx512vl'
const INTEL_TAIL =
  ' xsaveopt xsavec xgetbv1 xsaves cqm_llc cqm_occup_llc cqm_mbm_total cqm_mbm_local dtherm ida arat pln pts pku ospke avx512_vnni md_clear flush_l1d arch_capabilities'
const AMD_FLAGS =
  'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good nopl nonstop_tsc cpuid extd_apicid aperfmperf rapl pni pclmulqdq monitor ssse3 fma cx16 sse4_1 sse4_2 x2apic movbe popcnt aes xsave avx f16c rdrand lahf_lm cmp_legacy svm extapic cr8_legacy abm sse4a misalignsse 3dnowprefetch osvw ibs skinit wdt tce topoext perfctr_core perfctr_nb bpext perfctr_llc mwaitx cpb cat_l3 cdp_l3 hw_pstate ssbd mba ibrs ibpb stibp vmmcall fsgsbase bmi1 avx2 smep bmi2 cqm rdt_a rdseed adx smap clflushopt clwb sha_ni xsaveopt xsavec xgetbv1 cqm_llc cqm_occup_llc cqm_mbm_total cqm_mbm_local clzero irperf xsaveerptr rdpru wbnoinvd amd_ppin arat npt lbrv svm_lock nrip_save tsc_scale vmcb_clean flushbyasid decodeassists pausefilter pfthreshold avic v_vmsave_vmload vgif v_spec_ctrl umip rdpid overflow_recov succor smca sme sev sev_es'

/** CPUID family/model/stepping of the persona's CPU, from its model name. */
function cpuIdentity(model: string): CpuIdentity {
  const intel = (family: number, modelNo: number, stepping: number, microcode: string, avx512: boolean) => ({
    family,
    model: modelNo,
    stepping,
    microcode,
    flags: `${INTEL_FLAGS_BASE}${avx512 ? INTEL_AVX512 : ' rdseed adx smap intel_pt'}${INTEL_TAIL.replace(avx512 ? '' : ' avx512_vnni', '')}`,
  })
  if (/AMD|EPYC|Ryzen|Opteron/i.test(model)) {
    const milan = /EPYC \d{3}3/.test(model)
    const genoa = /EPYC 9\d{2}4/.test(model)
    return {
      family: milan || genoa ? 25 : 23,
      model: genoa ? 17 : milan ? 1 : /Ryzen/.test(model) ? 113 : 49,
      stepping: milan || genoa ? 1 : 0,
      microcode: genoa ? '0xa101148' : milan ? '0xa0011d1' : '0x830107a',
      flags: AMD_FLAGS,
    }
  }
  if (/E5-\d{4} v4/.test(model)) return intel(6, 79, 1, '0xb000040', false)
  if (/E5-\d{4} v3/.test(model)) return intel(6, 63, 2, '0x49', false)
  if (/E-2\d{3}|i[3579]-[89]\d{3}/.test(model)) return intel(6, 158, 10, '0xf4', false)
  if (/i[3579]-10\d{3}/.test(model)) return intel(6, 165, /i5/.test(model) ? 3 : 5, '0xf8', false)
  if (/12th Gen/.test(model)) return intel(6, 151, 2, '0x35', false)
  if (/13th Gen/.test(model)) return intel(6, 191, 2, '0x4121', false)
  const scalable = /(?:Gold|Silver|Platinum|Bronze) (\d)(\d)\d\d/.exec(model)
  if (scalable) {
    const generation = Number(scalable[2])
    if (generation === 3) return intel(6, 106, 6, '0xd0003e7', true)
    if (generation >= 4) return intel(6, 143, 8, '0x2b000590', true)
    return intel(6, 85, generation === 1 ? 4 : 7, generation === 1 ? '0x2007006' : '0x5003604', true)
  }
  return intel(6, 85, 7, '0x5003604', true)
}

function cpuinfo(persona: Persona, jitter: () => number): string {
  const { hardware, os } = persona
  const cores = hardware.cpuCores
  if (os.arch === 'aarch64' || os.arch.startsWith('arm')) return armCpuinfo(persona)
  if (os.arch.startsWith('mips')) return mipsCpuinfo(persona)
  const id = cpuIdentity(hardware.cpuModel)
  const amd = id.flags === AMD_FLAGS
  const virtual = isVirtual(persona)
  // Bare metal with SMT lists two threads per core; a VM sees one thread per vCPU.
  const threadsPerCore = !virtual && cores >= 4 && cores % 2 === 0 ? 2 : 1
  const flags = virtual ? id.flags.replace(' ht ', ' ht hypervisor ').replace(/ vmx| svm/, '') : id.flags
  // The kernel calibrates the TSC at each boot: a few kHz off the nominal clock, different per machine.
  const calibrated = calibratedMhz(persona)
  const bogomips = (calibrated * 2).toFixed(2)
  const blocks = Array.from({ length: cores }, (_, cpu) => {
    // cpufreq: each read finds every core at a slightly different clock; a VM's TSC rate is fixed.
    const mhz = virtual ? calibrated : calibrated * (1 + (jitter() - 0.5) * 0.008)
    // Linux numbers the second thread of each core after all first threads.
    const core = cpu % (cores / threadsPerCore)
    return [
      `processor\t: ${cpu}`,
      `vendor_id\t: ${amd ? 'AuthenticAMD' : 'GenuineIntel'}`,
      `cpu family\t: ${id.family}`,
      `model\t\t: ${id.model}`,
      `model name\t: ${hardware.cpuModel}`,
      `stepping\t: ${id.stepping}`,
      `microcode\t: ${id.microcode}`,
      `cpu MHz\t\t: ${mhz.toFixed(3)}`,
      `cache size\t: ${hardware.cacheKb} KB`,
      'physical id\t: 0',
      `siblings\t: ${cores}`,
      `core id\t\t: ${core}`,
      `cpu cores\t: ${cores / threadsPerCore}`,
      `apicid\t\t: ${cpu}`,
      `initial apicid\t: ${cpu}`,
      'fpu\t\t: yes',
      'fpu_exception\t: yes',
      `cpuid level\t: ${amd ? 16 : 22}`,
      'wp\t\t: yes',
      `flags\t\t: ${flags}`,
      `bugs\t\t: ${amd ? 'sysret_ss_attrs spectre_v1 spectre_v2 spec_store_bypass retbleed smt_rsb srso' : 'spectre_v1 spectre_v2 spec_store_bypass swapgs taa itlb_multihit mmio_stale_data retbleed gds bhi'}`,
      `bogomips\t: ${bogomips}`,
      'clflush size\t: 64',
      'cache_alignment\t: 64',
      `address sizes\t: ${amd ? '43 bits physical, 48 bits virtual' : '46 bits physical, 48 bits virtual'}`,
      `power management:${amd ? ' ts ttp tm hwpstate cpb eff_freq_ro [13] [14]' : ''}`,
      '',
    ].join('\n')
  })
  return `${blocks.join('\n')}\n`
}

/** The clock the kernel measured for this machine's CPU at boot (nominal ± 0.3 %). */
export function calibratedMhz(persona: Persona): number {
  const offset = (personaStream(persona, 'tsc').next() - 0.5) * 0.006
  return Math.round(persona.hardware.cpuMhz * (1 + offset) * 1000) / 1000
}

function armCpuinfo(persona: Persona): string {
  const { hardware, os } = persona
  const v7 = os.arch !== 'aarch64'
  const blocks = Array.from({ length: hardware.cpuCores }, (_, cpu) =>
    [
      `processor\t: ${cpu}`,
      ...(v7 ? [`model name\t: ${hardware.cpuModel}`] : []),
      `BogoMIPS\t: ${v7 ? '38.40' : '108.00'}`,
      `Features\t: ${v7 ? 'half thumb fastmult vfp edsp neon vfpv3 tls vfpv4 idiva idivt vfpd32 lpae evtstrm crc32' : 'fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp'}`,
      'CPU implementer\t: 0x41',
      `CPU architecture: ${v7 ? 7 : 8}`,
      `CPU variant\t: ${v7 ? '0x0' : '0x3'}`,
      `CPU part\t: ${v7 ? '0xd03' : '0xd0c'}`,
      `CPU revision\t: ${v7 ? 4 : 1}`,
      '',
    ].join('\n'),
  )
  const board = v7 ? `Hardware\t: ${hardware.model}\nSerial\t\t: ${hardware.serial}\n` : ''
  return `${blocks.join('\n')}\n${board}`
}

function mipsCpuinfo(persona: Persona): string {
  const { hardware } = persona
  const blocks = Array.from({ length: hardware.cpuCores }, (_, cpu) =>
    [
      ...(cpu === 0
        ? [`system type\t\t: ${hardware.model}`, `machine\t\t\t: ${hardware.vendor} ${hardware.model}`]
        : []),
      `processor\t\t: ${cpu}`,
      `cpu model\t\t: ${hardware.cpuModel}`,
      `BogoMIPS\t\t: ${(hardware.cpuMhz / 1.5).toFixed(2)}`,
      'wait instruction\t: yes',
      'microsecond timers\t: yes',
      'tlb_entries\t\t: 32',
      'isa\t\t\t: mips1 mips2 mips32r1 mips32r2',
      'ASEs implemented\t: mips16 dsp mt',
      '',
    ].join('\n'),
  )
  return `${blocks.join('\n')}\n`
}

/**
 * /proc/version: the kernel's own build banner. It belongs to the kernel package, so two hosts
 * running the same kernel show the same builder and compiler (derived from the kernel, not the seed).
 */
function procVersion(persona: Persona, kernel: string): string {
  const { id, kernelVersion, versionId } = persona.os
  const build = createHash('sha256').update(`${kernel} ${kernelVersion}`).digest()
  let builder: string
  if (id === 'debian' || id === 'kali') {
    builder =
      id === 'kali'
        ? '(devel@kali.org) (x86_64-linux-gnu-gcc-14 (Debian 14.2.0-8) 14.2.0, GNU ld (GNU Binutils for Debian) 2.43.50.20241210)'
        : versionId.startsWith('11')
          ? '(debian-kernel@lists.debian.org) (gcc-10 (Debian 10.2.1-6) 10.2.1 20210110, GNU ld (GNU Binutils for Debian) 2.35.2)'
          : '(debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40)'
  } else if (id === 'ubuntu') {
    const buildd = `buildd@lcy02-amd64-${String(1 + ((build[0] ?? 0) % 120)).padStart(3, '0')}`
    builder = versionId.startsWith('20.')
      ? `(${buildd}) (gcc (Ubuntu 9.4.0-1ubuntu1~20.04.2) 9.4.0, GNU ld (GNU Binutils for Ubuntu) 2.34)`
      : versionId.startsWith('24.')
        ? `(${buildd}) (x86_64-linux-gnu-gcc-13 (Ubuntu 13.2.0-23ubuntu4) 13.2.0, GNU ld (GNU Binutils for Ubuntu) 2.42)`
        : `(${buildd}) (gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0, GNU ld (GNU Binutils for Ubuntu) 2.38)`
  } else if (id === 'rocky' || id === 'almalinux' || id === 'rhel' || id === 'fedora') {
    builder =
      id === 'rocky'
        ? `(mockbuild@iad1-prod-build00${1 + ((build[1] ?? 0) % 3)}.bld.equ.rockylinux.org) (gcc (GCC) 11.4.1 20231218 (Red Hat 11.4.1-3), GNU ld version 2.35.2-43.el9)`
        : '(mockbuild@x86-64-01.build.eng.rdu2.redhat.com) (gcc (GCC) 11.4.1 20231218 (Red Hat 11.4.1-3), GNU ld version 2.35.2-43.el9)'
  } else if (id === 'centos') {
    builder = '(mockbuild@kbuilder.bsys.centos.org) (gcc version 4.8.5 20150623 (Red Hat 4.8.5-44) (GCC) )'
  } else if (id === 'alpine') {
    const minor = versionId.split('.').slice(0, 2).join('-')
    builder = `(buildozer@build-${minor}-${persona.os.arch}) (gcc (Alpine 13.2.1_git20231014) 13.2.1 20231014, GNU ld (GNU Binutils) 2.41)`
  } else {
    builder = '(builder@buildhost) (gcc version 8.4.0, GNU ld version 2.34)'
  }
  return `Linux version ${kernel} ${builder} ${kernelVersion}\n`
}
