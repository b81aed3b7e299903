import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createSocket } from 'node:dgram'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

/**
 * A tshark capture for the client-fingerprint tests: what Wireshark's dissectors make of the
 * packets a real client sent is the independent reference the decoys' fingerprints are checked
 * against (its own JA3 and HASSH; JA4 and JA4H recomputed below from the fields it dissected,
 * since Debian's tshark 4.0 predates its JA4 fields).
 */

const run = promisify(execFile)

const sha12 = (text: string) =>
  text === '' ? '000000000000' : createHash('sha256').update(text).digest('hex').slice(0, 12)
export const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value]

export type Capture = {
  /** Stops capturing (after a short grace for the last packets) and lets tshark close the file. */
  stop(): Promise<void>
  /** `-T fields` rows of the capture: one array of column values per matching packet. */
  fields(decode: string[], filter: string, names: string[]): Promise<string[][]>
  /** Each ClientHello sent to `port` (dissected as TLS), by the client's source port. */
  clientHellos(port: number): Promise<Map<number, TlsLayer>>
  remove(): void
}

/**
 * Starts tshark on `iface` for traffic of `hosts` and returns once it really captures:
 * `Capturing on` is printed before the filter is live, so UDP probes go to the first host until
 * tshark reports one (`-P -l`).
 */
export async function startCapture(iface: string, hosts: string[]): Promise<Capture> {
  const dir = mkdtempSync(path.join(tmpdir(), 'decnet-fp-'))
  const file = path.join(dir, 'capture.pcapng')
  const filter = hosts.map((host) => `host ${host}`).join(' or ')
  const tshark: ChildProcess = spawn('tshark', ['-l', '-P', '-i', iface, '-f', filter, '-w', file], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let said = ''
  let seen = false
  tshark.stderr?.on('data', (chunk: Buffer) => {
    said += chunk.toString()
  })
  tshark.stdout?.on('data', () => {
    seen = true
  })
  const probe = createSocket('udp4')
  try {
    const deadline = Date.now() + 60_000
    while (!seen) {
      if (tshark.exitCode !== null) throw new Error(`tshark exited ${tshark.exitCode}: ${said}`)
      if (Date.now() > deadline) throw new Error(`tshark captured nothing: ${said}`)
      probe.send('probe', 9, hosts[0])
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  } catch (error) {
    tshark.kill('SIGINT')
    throw error
  } finally {
    probe.close()
  }
  const read = async (args: string[]) =>
    (await run('tshark', ['-r', file, ...args], { maxBuffer: 64 * 1024 * 1024 })).stdout
  return {
    stop: async () => {
      await new Promise((resolve) => setTimeout(resolve, 1000))
      if (tshark.exitCode !== null) return
      const exited = new Promise((resolve) => tshark.once('exit', resolve))
      tshark.kill('SIGINT')
      await exited
    },
    fields: async (decode, filter, names) => {
      const output = await read([
        ...decode.flatMap((rule) => ['-d', rule]),
        '-Y',
        filter,
        '-T',
        'fields',
        '-E',
        'separator=\t',
        '-E',
        'occurrence=a',
        '-E',
        'aggregator=|',
        ...names.flatMap((name) => ['-e', name]),
      ])
      return output
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => line.split('\t'))
    },
    clientHellos: async (port) => {
      const packets = JSON.parse(
        await read([
          '-d',
          `tcp.port==${port},tls`,
          '-Y',
          `tls.handshake.type == 1 && tcp.dstport == ${port}`,
          '-T',
          'json',
          '--no-duplicate-keys',
          '-J',
          'tcp tls',
        ]),
      ) as { _source: { layers: { tcp: TlsLayer; tls: TlsLayer } } }[]
      const hellos = new Map<number, TlsLayer>()
      for (const packet of packets) {
        const { tcp, tls } = packet._source.layers
        for (const record of asArray<TlsLayer>(tls['tls.record'] as unknown as TlsLayer)) {
          for (const handshake of asArray<TlsLayer>(record['tls.handshake'] as unknown as TlsLayer))
            if (handshake['tls.handshake.type'] === '1') hellos.set(Number(tcp['tcp.srcport']), handshake)
        }
      }
      return hellos
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}

export type Json = { [key: string]: Json } & Json[] & string
export type TlsLayer = Record<string, Json>

/**
 * JA4 from Wireshark's dissection of a ClientHello, following technical_details/JA4.md: written
 * apart from the decoys' reader so a shared misreading of the bytes cannot hide.
 */
export function ja4FromDissection(handshake: TlsLayer): string {
  const grease = (hex: string) => /^0x([0-9a-f])a\1a$/i.test(hex)
  const hex4 = (value: string) => Number(value).toString(16).padStart(4, '0')
  const ciphers = asArray<string>(handshake['tls.handshake.ciphersuites']?.['tls.handshake.ciphersuite'])
    .filter((value) => !grease(value))
    .map((value) => value.slice(2))
  const extensions = Object.keys(handshake)
    .filter((key) => key.startsWith('Extension: '))
    .flatMap((key) => asArray<TlsLayer>(handshake[key] as unknown as TlsLayer))
  const typeOf = (extension: TlsLayer) => Number(extension['tls.handshake.extension.type'])
  const kept = extensions.filter((extension) => !grease(`0x${hex4(String(typeOf(extension)))}`))
  const types = kept.map(typeOf)
  const find = (type: number) => kept.find((extension) => typeOf(extension) === type)
  const versions = asArray<string>(find(43)?.['tls.handshake.extensions.supported_version']).filter(
    (value) => !grease(value),
  )
  const version = versions.length
    ? versions.map((value) => Number(value)).reduce((a, b) => Math.max(a, b))
    : Number(handshake['tls.handshake.version'])
  const versionCode = { 772: '13', 771: '12', 770: '11', 769: '10', 768: 's3' }[version] ?? '00'
  const alpn = asArray<string>(
    find(16)?.['tls.handshake.extensions_alpn_list']?.['tls.handshake.extensions_alpn_str'],
  )[0]
  const alpnCode = alpn ? `${alpn[0]}${alpn[alpn.length - 1]}` : '00'
  const count = (n: number) => String(Math.min(n, 99)).padStart(2, '0')
  const signatures = asArray<string>(
    find(13)?.['tls.handshake.sig_hash_algs']?.['tls.handshake.sig_hash_alg'],
  )
    .filter((value) => !grease(value))
    .map((value) => value.slice(2))
  const sortedExtensions = types
    .filter((type) => type !== 0 && type !== 16)
    .map((type) => hex4(String(type)))
    .sort()
    .join(',')
  const a = `t${versionCode}${types.includes(0) ? 'd' : 'i'}${count(ciphers.length)}${count(types.length)}${alpnCode}`
  const c = signatures.length ? `${sortedExtensions}_${signatures.join(',')}` : sortedExtensions
  return `${a}_${sha12([...ciphers].sort().join(','))}_${sha12(c)}`
}

/** JA4H from tshark's dissection of a request (method, version, header lines, language, cookies). */
export function ja4hFromDissection(row: string[]): string {
  const [method = '', version = '', lines = '', language = '', cookie = ''] = row
  const names = lines
    .split('|')
    .map((line) => line.slice(0, line.indexOf(':')))
    .filter((name) => name !== '')
  const headers = names.filter((name) => !['cookie', 'referer'].includes(name.toLowerCase()))
  const lang = language
    ? language.split(/[,;]/)[0]?.replace(/-/g, '').toLowerCase().slice(0, 4).padEnd(4, '0')
    : '0000'
  const pairs = cookie
    ? cookie
        .split(';')
        .map((pair) => pair.trim())
        .sort()
    : []
  const a = `${method.slice(0, 2).toLowerCase()}${version.replace('HTTP/', '').replace('.', '')}${
    names.some((name) => name.toLowerCase() === 'cookie') ? 'c' : 'n'
  }${names.some((name) => name.toLowerCase() === 'referer') ? 'r' : 'n'}${String(headers.length).padStart(2, '0')}${lang}`
  return `${a}_${sha12(headers.join(','))}_${sha12(pairs.map((pair) => pair.split('=')[0]).join(','))}_${sha12(pairs.join(','))}`
}
