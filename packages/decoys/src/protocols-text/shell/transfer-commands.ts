import type { Fields } from '../../framework/tcp.ts'
import type { Downloader, DownloadFailure, DownloadResult } from './downloads.ts'
import { localTime } from './local-time.ts'
import type { SessionFilesystem } from './overlay.ts'

/**
 * `wget` and `curl` as intruders use them (`wget URL`, `wget -O file URL`, `wget -qO- URL | sh`,
 * `curl -o file URL`, `curl -O URL`, `curl -fsSL URL | sh`): the decky really fetches the URL (see
 * downloads.ts), a `download` event records what came (url, sha256, size, filename, truncated), the
 * saved file shows in the session's tree, and the tool prints what the real one would. The body is
 * never shown: the intruder cannot use the decky to read the networks it sits on.
 */

/** What the transfer commands need from the shell running them. */
export type TransferContext = {
  busybox: boolean
  timezone: string
  user: string
  now(): number
  /** Absolute path of `path` relative to the shell's cwd. */
  resolve(path: string): string
  fs: SessionFilesystem
  /** Whether the user may create `path` (root anywhere; others in their home and the temp dirs). */
  mayWrite(path: string): boolean
  /** Fetches a URL; undefined when this shell has no egress (downloads then fail as offline hosts do). */
  download: Downloader | undefined
  emit(event: string, fields: Fields): void
}

export type CommandIo = {
  stdin: string
  /** stdout goes to a pipe or a file, not the terminal (curl then shows its progress meter). */
  piped: boolean
  err(text: string): void
  /** Sets the command's exit status (0 unless called). */
  status?(code: number): void
}

/** A command that waits on something (a download): yields the promise, gets its value back. */
export type CommandRun = Generator<Promise<unknown>, string, unknown>

const MAX_URLS = 4

type Request = { url: string; output: string | undefined; quiet: boolean; failOnError: boolean }

export function* wget(context: TransferContext, args: string[], io: CommandIo): CommandRun {
  let output: string | undefined
  let directory: string | undefined
  let quiet = false
  const urls: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (arg === '-O' || arg === '--output-document') output = args[++i]
    else if (arg.startsWith('--output-document=')) output = arg.slice(18)
    else if (arg === '-P' || arg === '--directory-prefix') directory = args[++i]
    else if (arg.startsWith('-O') && arg.length > 2) output = arg.slice(2)
    else if (/^-[a-zA-Z]*q/.test(arg) || arg === '--quiet') {
      quiet = true
      // `-qO-` / `-qO file`: the O rides on the q.
      const rest = arg.slice(arg.indexOf('q') + 1)
      if (rest.startsWith('O')) output = rest.length > 1 ? rest.slice(1) : args[++i]
    } else if (!arg.startsWith('-')) urls.push(arg)
  }
  if (urls.length === 0) {
    if (context.busybox)
      return 'BusyBox v1.36.1 (2023-11-07 18:53:09 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n'
    io.err("wget: missing URL\nUsage: wget [OPTION]... [URL]...\n\nTry `wget --help' for more options.\n")
    io.status?.(1)
    return ''
  }
  for (const url of urls.slice(0, MAX_URLS)) {
    const target = output ?? (directory ? `${directory}/${remoteName(url)}` : remoteName(url))
    yield* fetchInto(context, 'wget', { url: withScheme(url), output: target, quiet, failOnError: true }, io)
  }
  return ''
}

export function* curl(context: TransferContext, args: string[], io: CommandIo): CommandRun {
  let output: string | undefined
  let remote = false
  let silent = false
  let showErrors = false
  let failOnError = false
  const urls: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (arg === '-o' || arg === '--output') output = args[++i]
    else if (arg === '-O' || arg === '--remote-name') remote = true
    else if (arg === '--silent') silent = true
    else if (arg === '--fail') failOnError = true
    else if (/^-[a-zA-Z]+$/.test(arg)) {
      // Bundled short flags (`-fsSL`, `-sko file`): only these letters matter here.
      if (arg.includes('s')) silent = true
      if (arg.includes('S')) showErrors = true
      if (arg.includes('f')) failOnError = true
      if (arg.includes('O')) remote = true
      if (arg.endsWith('o')) output = args[++i]
    } else if (['-A', '-H', '-u', '-X', '-d', '-e', '-m', '--user-agent', '--header'].includes(arg)) i++
    else if (!arg.startsWith('-')) urls.push(arg)
  }
  if (urls.length === 0) {
    io.err("curl: try 'curl --help' or 'curl --manual' for more information\n")
    io.status?.(2)
    return ''
  }
  for (const url of urls.slice(0, MAX_URLS)) {
    const target = output ?? (remote ? remoteName(url) : undefined)
    const quiet = silent && !showErrors
    yield* fetchInto(
      context,
      'curl',
      { url: withScheme(url), output: target, quiet, failOnError },
      io,
      silent,
    )
  }
  return ''
}

/** Runs one download and prints what `tool` prints; the saved file (if any) joins the session tree. */
function* fetchInto(
  context: TransferContext,
  tool: 'wget' | 'curl',
  request: Request,
  io: CommandIo,
  curlSilent = false,
): Generator<Promise<unknown>, void, unknown> {
  const started = context.now()
  const toStdout = request.output === undefined || request.output === '-'
  const host = hostOf(request.url)
  if (tool === 'wget' && !request.quiet && !context.busybox)
    io.err(`--${stamp(started, context.timezone)}--  ${request.url}\n`)
  const result = context.download
    ? ((yield context.download(request.url, { tool })) as DownloadResult)
    : ({ ok: false, url: request.url, failure: 'resolve' } satisfies DownloadResult)
  const path = toStdout ? '-' : context.resolve(request.output as string)
  const filename = toStdout ? remoteName(request.url) : (path.split('/').pop() ?? path)
  context.emit('download', {
    username: context.user,
    tool,
    url: request.url,
    filename,
    path,
    ...(result.ok
      ? {
          ...(result.url !== request.url ? { final_url: result.url } : {}),
          status: result.status,
          sha256: result.sha256,
          size: result.size,
          truncated: result.truncated,
          ...(result.address ? { remote_ip: result.address } : {}),
        }
      : { error: result.failure, ...(result.address ? { remote_ip: result.address } : {}) }),
  })
  const ok = result.ok && result.status < 400
  // `curl … || wget …` fallbacks depend on these: wget 4 (network) / 8 (server error), curl's (N).
  if (tool === 'wget' && !ok) io.status?.(result.ok ? 8 : result.failure === 'bad-url' ? 1 : 4)
  if (tool === 'curl' && !result.ok) io.status?.(CURL_EXIT[result.failure] ?? 7)
  if (tool === 'curl' && result.ok && request.failOnError && result.status >= 400) io.status?.(22)
  if (result.ok && (ok || tool === 'curl') && !toStdout) {
    if (!context.mayWrite(path) || !context.fs.writeOpaque(path, result.size, context.user, context.now()))
      io.err(
        tool === 'wget'
          ? `${request.output}: Permission denied\n`
          : `curl: (23) Failure writing output to destination\n`,
      )
  }
  if (request.quiet && tool === 'wget') return
  if (tool === 'wget') {
    io.err(
      context.busybox
        ? busyboxWget(result, host, filename)
        : gnuWget(result, host, filename, context, started),
    )
    return
  }
  const seconds = Math.max(1, context.now() - started) / 1000
  if (!result.ok) {
    if (!curlSilent || !request.quiet) io.err(`${curlError(result.failure, host, result.port, seconds)}\n`)
    return
  }
  if (request.failOnError && result.status >= 400) {
    if (!request.quiet) io.err(`curl: (22) The requested URL returned error: ${result.status}\n`)
    return
  }
  if (!curlSilent && (io.piped || !toStdout)) io.err(curlMeter(result.size, seconds))
}

function gnuWget(
  result: DownloadResult,
  host: string,
  filename: string,
  context: TransferContext,
  started: number,
): string {
  const literal = /^[\d.]+$|^\[/.test(host)
  const port = result.port ?? 80
  const resolving = literal
    ? ''
    : `Resolving ${host} (${host})... ${result.ok ? result.address : 'failed: Name or service not known.'}\n`
  if (!result.ok && result.failure === 'resolve')
    return `Resolving ${host} (${host})... failed: Temporary failure in name resolution.\nwget: unable to resolve host address '${host}'\n`
  if (!result.ok && result.failure === 'bad-url') return `${result.url}: Unsupported scheme.\n`
  const connecting = literal
    ? `Connecting to ${host}:${port}... `
    : `Connecting to ${host} (${host})|${result.address ?? host}|:${port}... `
  if (!result.ok) {
    const why =
      result.failure === 'timeout'
        ? 'Connection timed out'
        : result.failure === 'blocked'
          ? 'Connection refused'
          : result.failure === 'refused'
            ? 'Connection refused'
            : 'Network is unreachable'
    return `${resolving}${connecting}failed: ${why}.\n`
  }
  const reason = STATUS_TEXT[result.status] ?? ''
  const head = `${resolving}${connecting}connected.\nHTTP request sent, awaiting response... ${result.status} ${reason}\n`
  if (result.status >= 400)
    return `${head}${stamp(context.now(), context.timezone)} ERROR ${result.status}: ${reason}.\n\n`
  const shown = filename === '-' ? 'STDOUT' : `‘${filename}’`
  const seconds = Math.max(1, context.now() - started) / 1000
  const rate = `${(result.size / seconds / 1024 / 1024).toFixed(1)} MB/s`
  // wget adds the human-readable size from 1 KiB up (`Length: 77 [text/plain]`, `Length: 4500 (4.4K) […]`).
  const length = result.size >= 1024 ? `${result.size} (${wgetHuman(result.size)})` : `${result.size}`
  return `${head}Length: ${length} [${result.contentType || 'application/octet-stream'}]\nSaving to: ${shown}\n\n${filename.slice(0, 18).padEnd(19)}100%[===================>] ${humanBytes(result.size).padStart(7)}  --.-KB/s    in ${seconds.toFixed(seconds < 10 ? 1 : 0)}s\n\n${stamp(context.now(), context.timezone)} (${rate}) - ${shown} saved [${result.size}/${result.size}]\n\n`
}

function busyboxWget(result: DownloadResult, host: string, filename: string): string {
  if (!result.ok) {
    if (result.failure === 'resolve') return `wget: bad address '${host}'\n`
    if (result.failure === 'timeout') return `wget: download timed out\n`
    return `Connecting to ${host} (${result.address ?? host}:${result.port ?? 80})\nwget: can't connect to remote host (${result.address ?? host}): Connection refused\n`
  }
  const connecting = `Connecting to ${host} (${result.address}:${result.port})\n`
  if (result.status >= 400)
    return `${connecting}wget: server returned error: HTTP/1.1 ${result.status} ${STATUS_TEXT[result.status] ?? ''}\n`
  return `${connecting}saving to '${filename}'\n${filename.slice(0, 20).padEnd(20)} 100% |********************************| ${humanBytes(result.size).padStart(6)}  0:00:00 ETA\n'${filename}' saved\n`
}

function curlError(
  failure: DownloadFailure,
  host: string,
  port: number | undefined,
  seconds: number,
): string {
  const ms = Math.round(seconds * 1000)
  switch (failure) {
    case 'resolve':
      return `curl: (6) Could not resolve host: ${host}`
    case 'timeout':
      return `curl: (28) Failed to connect to ${host} port ${port ?? 80} after ${ms} ms: Timeout was reached`
    case 'bad-url':
      return `curl: (1) Protocol not supported or disabled in libcurl`
    default:
      return `curl: (7) Failed to connect to ${host} port ${port ?? 80} after ${ms} ms: Couldn't connect to server`
  }
}

function curlMeter(size: number, seconds: number): string {
  const speed = humanBytes(Math.round(size / seconds))
    .replace(/\.\d+/, '')
    .toLowerCase()
  const total = humanBytes(size).replace(/\.\d+/, '')
  return `  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n                                 Dload  Upload   Total   Spent    Left  Speed\n100 ${total.padStart(5)}  100 ${total.padStart(5)}    0     0  ${speed.padStart(5)}      0 --:--:-- --:--:-- --:--:-- ${speed.padStart(5)}\n`
}

const CURL_EXIT: Partial<Record<DownloadFailure, number>> = { resolve: 6, timeout: 28, 'bad-url': 1 }

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  204: 'No Content',
  206: 'Partial Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
}

/** wget and curl assume http:// for a bare `host/path`. */
function withScheme(url: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`
}

function hostOf(url: string): string {
  return (
    url
      .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
      .split(/[/?#]/)[0]
      ?.replace(/:\d+$/, '') ?? ''
  )
}

/** The file name wget/curl -O derive from the URL (`index.html` for a bare host). */
export function remoteName(url: string): string {
  const path = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').split(/[?#]/)[0] ?? ''
  const last = path.split('/').pop() ?? ''
  return (last || 'index.html').slice(0, 255)
}

function stamp(ms: number, timezone: string): string {
  const t = localTime(ms, timezone)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${t.year}-${two(t.month)}-${two(t.day)} ${two(t.hour)}:${two(t.minute)}:${two(t.second)}`
}

/** wget's human_readable(): one decimal below 10, none from 10 up (4.4K, 44K, 8.0M). */
function wgetHuman(bytes: number): string {
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < 4) {
    value /= 1024
    unit++
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)}${['', 'K', 'M', 'G', 'T'][unit]}`
}

function humanBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes}`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 2 : 1)}K`
  return `${(bytes / 1024 / 1024).toFixed(2)}M`
}
