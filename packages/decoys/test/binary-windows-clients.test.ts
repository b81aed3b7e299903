// Real clients from Debian against the Windows protocols started in-process on loopback with one
// persona: nmap (-sV and its SMB/RDP/NetBIOS scripts), smbclient and nmblookup must read the
// persona's product, build, names and domain.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Emulator, RunningEmulator } from '../src/emulator.ts'
import { ldapEmulator } from '../src/protocols-binary/ldap.ts'
import { msrpcEmulator } from '../src/protocols-binary/msrpc.ts'
import { mssqlEmulator } from '../src/protocols-binary/mssql.ts'
import { nbnsEmulator } from '../src/protocols-binary/nbns.ts'
import { rdpEmulator } from '../src/protocols-binary/rdp.ts'
import { smbEmulator } from '../src/protocols-binary/smb.ts'
import { loopbackAddress } from './binary-helpers.ts'
import { testEmulatorContext } from './started.ts'
import { BUILDS, sambaPersona, windowsPersona } from './windows-personas.ts'

/** Runs a client; its output whatever the exit code (smbclient exits 1 on the refused logon). */
async function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  try {
    const { stdout, stderr } = await promisify(execFile)(command, args, { timeout: 300_000, env })
    return `${stdout}${stderr}`
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string }
    return `${failed.stdout ?? ''}${failed.stderr ?? ''}`
  }
}

/** nmap -sV on `ports` of `host` with its NSE `scripts` (no ping, no DNS). */
const nmapScripts = (host: string, ports: string, scripts: string) =>
  run('nmap', ['-sV', '-Pn', '-n', '-p', ports, '--script', scripts, host])

type Deck = { host: string; running: RunningEmulator[] }

/** The emulators on their real ports of one fresh loopback address (nmap picks probes by port). */
async function startDeck(
  persona: ReturnType<typeof windowsPersona>,
  emulators: [Emulator, number[]][],
): Promise<Deck> {
  const host = loopbackAddress()
  const running: RunningEmulator[] = []
  for (const [emulator, ports] of emulators)
    running.push(
      await emulator.start(
        testEmulatorContext(emulator.slug, host, persona, () => undefined, { ports, decky: 'clients-test' }),
      ),
    )
  return { host, running }
}

const stop = (deck: Deck | undefined) => Promise.all(deck?.running.map((item) => item.close()) ?? [])

describe('a Windows Server 2019 domain controller persona, as real clients see it', () => {
  const persona = windowsPersona(BUILDS.server2019, { hostname: 'DC01' })
  let deck: Deck | undefined
  beforeAll(async () => {
    deck = await startDeck(persona, [
      [msrpcEmulator, [135]],
      [smbEmulator, [445, 139]],
      [rdpEmulator, [3389]],
      [ldapEmulator, [389]],
      [mssqlEmulator, [1433]],
      [nbnsEmulator, [137]],
    ])
  })
  afterAll(() => stop(deck))

  it('nmap -sV names every port as the Windows product of the persona, and its scripts read the persona', async () => {
    const host = deck?.host as string
    const output = await nmapScripts(
      host,
      '135,139,445,3389,389,1433',
      'smb2-security-mode,smb2-time,rdp-ntlm-info',
    )
    // Tell: Windows deckies lacked 135/tcp.
    expect(output).toMatch(/135\/tcp\s+open\s+msrpc\s+Microsoft Windows RPC/)
    expect(output).toMatch(/139\/tcp\s+open\s+netbios-ssn\s+Microsoft Windows netbios-ssn/)
    // Tell: an LDAP domain unrelated to the SMB/NTLM one.
    expect(output).toMatch(
      /389\/tcp\s+open\s+ldap\s+Microsoft Windows Active Directory LDAP \(Domain: kestrel\.local, Site: /,
    )
    expect(output).toMatch(/1433\/tcp\s+open\s+ms-sql-s\s+Microsoft SQL Server 2019 15\.00\.4322/)
    expect(output).toMatch(/3389\/tcp\s+open\s+ms-wbt-server\s+Microsoft Terminal Services/)
    // Tell: build 17763 in NTLM with names and a domain of their own per port.
    expect(output).toContain('NetBIOS_Domain_Name: KESTREL')
    expect(output).toContain('NetBIOS_Computer_Name: DC01')
    expect(output).toContain('DNS_Computer_Name: DC01.kestrel.local')
    expect(output).toContain('Product_Version: 10.0.17763')
    expect(output).toMatch(/smb2-security-mode:\s*\n\|\s+311:\s*\n\|_\s+Message signing enabled and required/)
    // Windows 10 / 2016 and later send no ServerStartTime.
    expect(output).toMatch(/start_date: N\/A/)
    expect(output).not.toMatch(/unrecognized|SF-Port/)
  }, 300_000)

  it("nmap -sU -sV and nmblookup -A read the persona's NetBIOS names and MAC from 137/udp", async () => {
    const host = deck?.host as string
    const [nmap, nmblookup] = await Promise.all([
      run('nmap', ['-sU', '-sV', '-Pn', '-n', '-p', '137', '--script', 'nbstat', host]),
      run('nmblookup', ['-A', host]),
    ])
    // Tell: Windows deckies lacked 137/udp.
    expect(nmap).toMatch(
      /137\/udp\s+open\s+netbios-ns\s+Microsoft Windows netbios-ns \(Domain controller: KESTREL\)/,
    )
    expect(nmap).toContain('NetBIOS name: DC01')
    expect(nmap).toContain('NetBIOS MAC: 00155d3a7c21')
    expect(nmblookup).toMatch(/DC01\s+<00> -\s+B <ACTIVE>/)
    expect(nmblookup).toMatch(/KESTREL\s+<00> - <GROUP> B <ACTIVE>/)
    expect(nmblookup).toContain('MAC Address = 00-15-5D-3A-7C-21')
  }, 300_000)

  it("impacket's rpcdump lists the endpoints a Windows DC registers through 135/tcp", async () => {
    // Tell: an endpoint mapper that binds but has nothing registered.
    // Debian's impacket runs under Debian's python3 (not a pyenv one first on PATH).
    const output = await run('impacket-rpcdump', ['-port', '135', deck?.host as string], {
      ...process.env,
      PATH: `/usr/bin:/bin:${process.env.PATH ?? ''}`,
    })
    expect(output).toMatch(/Protocol: \[MS-DRSR\]: Directory Replication Service \(DRS\) Remote Protocol/)
    expect(output).toContain('ncacn_np:\\\\DC01[\\pipe\\lsass]')
    expect(output).toMatch(/Received \d+ endpoints\./)
  }, 300_000)

  it('smbclient negotiates the highest dialect the build ships, and each lower limit it is given', async () => {
    const host = deck?.host as string
    const dialectOf = async (args: string[]) =>
      /negotiated dialect\[(\w+)\]/.exec(
        await run('smbclient', ['-L', `//${host}`, '-N', '-d', '10', ...args]),
      )?.[1]
    expect(await dialectOf([])).toBe('SMB3_11')
    expect(await dialectOf(['-m', 'SMB3_02'])).toBe('SMB3_02')
    expect(await dialectOf(['-m', 'SMB2'])).toBe('SMB2_10')
  }, 300_000)
})

describe('a Windows Server 2016 persona (SMB1 still on by default), as nmap sees it', () => {
  let deck: Deck | undefined
  beforeAll(async () => {
    deck = await startDeck(windowsPersona(BUILDS.server2016, { hostname: 'FS03' }), [
      [smbEmulator, [445, 139]],
    ])
  })
  afterAll(() => stop(deck))

  it('smb-os-discovery and -sV read the build, names and domain over SMB1', async () => {
    // Tell: smb-os-discovery came back empty on every Windows decky (no SMB1 even where the build has it).
    const output = await nmapScripts(deck?.host as string, '139,445', 'smb-os-discovery,smb-protocols')
    expect(output).toMatch(
      /445\/tcp\s+open\s+microsoft-ds\s+Windows Server 2016 Standard 14393 microsoft-ds \(workgroup: KESTREL\)/,
    )
    expect(output).toContain('OS: Windows Server 2016 Standard 14393 (Windows Server 2016 Standard 6.3)')
    expect(output).toContain('Computer name: FS03')
    expect(output).toContain('Domain name: kestrel.local')
    expect(output).toContain('FQDN: FS03.kestrel.local')
    expect(output).toContain('NT LM 0.12 (SMBv1)')
    expect(output).toMatch(/\|_\s+311/)
    expect(output).not.toMatch(/fingerprint-strings|SF-Port/)
  }, 300_000)
})

describe('a Windows Server 2012 R2 persona, as smbclient sees it', () => {
  let deck: Deck | undefined
  beforeAll(async () => {
    deck = await startDeck(windowsPersona(BUILDS.server2012r2), [[smbEmulator, [445]]])
  })
  afterAll(() => stop(deck))

  it('stops at SMB 3.0.2, the last dialect 9600 ships', async () => {
    // Tell: dialects inconsistent with the NTLM build.
    const output = await run('smbclient', ['-L', `//${deck?.host}`, '-N', '-d', '10'])
    expect(/negotiated dialect\[(\w+)\]/.exec(output)?.[1]).toBe('SMB3_02')
  }, 300_000)
})

describe('a CentOS 7 persona running Samba 4.10 (SMB1 still on), as nmap sees it', () => {
  let deck: Deck | undefined
  beforeAll(async () => {
    deck = await startDeck(sambaPersona('4.10.16', { hostname: 'files-07' }), [[smbEmulator, [445, 139]]])
  })
  afterAll(() => stop(deck))

  it('reads Samba, its version and workgroup, on 445 and 139', async () => {
    // Tell: a Linux decky whose SMB answered as a Windows build.
    const output = await nmapScripts(deck?.host as string, '139,445', 'smb-os-discovery')
    expect(output).toMatch(/445\/tcp\s+open\s+netbios-ssn\s+Samba smbd 4\.10\.16 \(workgroup: KESTREL\)/)
    expect(output).toMatch(/139\/tcp\s+open\s+netbios-ssn\s+Samba smbd/)
    expect(output).toContain('OS: Windows 6.1 (Samba 4.10.16)')
    expect(output).toContain('FQDN: files-07.kestrel.local')
    expect(output).not.toContain('Microsoft')
  }, 300_000)
})

describe('a Debian persona running Samba, as real clients see it', () => {
  let deck: Deck | undefined
  beforeAll(async () => {
    deck = await startDeck(sambaPersona('4.17.12'), [
      [smbEmulator, [445, 139]],
      [ldapEmulator, [389]],
      [nbnsEmulator, [137]],
    ])
  })
  afterAll(() => stop(deck))

  it('answers as Samba and slapd, not as Windows', async () => {
    const host = deck?.host as string
    const [tcp, udp] = await Promise.all([
      nmapScripts(host, '139,389,445', 'smb2-security-mode'),
      run('nmap', ['-sU', '-sV', '-Pn', '-n', '-p', '137', '--script', 'nbstat', host]),
    ])
    // Tell: a Linux decky answering LDAP as an AD domain controller and NetBIOS as Windows.
    expect(tcp).toMatch(/389\/tcp\s+open\s+ldap\s+OpenLDAP/)
    // Tell: SMB1 off, the decoy dropped nmap's SMB1 negotiate like Windows; Samba answers "no dialect".
    expect(tcp).toMatch(/445\/tcp\s+open\s+netbios-ssn\s+Samba smbd/)
    expect(tcp).not.toContain('Microsoft Windows')
    expect(tcp).toContain('Message signing enabled but not required')
    expect(udp).toMatch(/137\/udp\s+open\s+netbios-ns\s+Samba nmbd netbios-ns \(workgroup: KESTREL\)/)
    expect(udp).toContain('NetBIOS name: FILES-03')
  }, 300_000)
})
