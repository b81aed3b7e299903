import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { copyFile, cp, mkdir, mkdtemp, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import Docker from 'dockerode'
import { build } from 'esbuild'
import { DECOY_IMAGE_TAG } from '../src/image-tag.ts'

/**
 * Builds `decnet/decoy:<version>` without any registry: the host's own node binary and the shared
 * libraries it links against go into a FROM-scratch image, next to two esbuild bundles (the decky's
 * decoy process and the stack shaper), the base container's pause process (pause/pause.c, built with
 * the host's C compiler against the same libc), the host's iproute2 `tc` and `ip` with their
 * libraries, and the committed TCP/IP stack BPF object (shaper/). An image whose content-hash label
 * matches is reused, so repeated runs cost one hash pass.
 */
export type BuildDecoyImageOptions = {
  docker?: Docker
  /** Defaults to `decnet/decoy:<package version>`. */
  tag?: string
  /** Defaults to the node running this script (`readlink -f $(command -v node)`). */
  nodeBinary?: string
  log?: (line: string) => void
}

export type BuildDecoyImageResult = {
  tag: string
  id: string
  contentHash: string
  /** False when an identical image already existed. */
  built: boolean
  sizeBytes: number
}

export const CONTENT_HASH_LABEL = 'decnet.content-hash'
const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..')
/** Compiled from shaper/tcp-stack.bpf.c by shaper/build.sh; committed so building needs no clang. */
export const TCP_STACK_OBJECT = join(PACKAGE_DIR, 'shaper/tcp-stack.bpf.o')
/** iproute2 binaries the stack shaper runs (Debian package iproute2), copied with their libraries. */
const SHAPER_TOOLS = ['/usr/sbin/tc', '/usr/sbin/ip'] as const

/**
 * Sized for a process that idles most of its life, measured on one ssh+http+ftp decoy at idle
 * (cgroup memory, Docker 20.10, node 20): 35.8 MiB with node's defaults; 32.1 MiB with a 1 MiB
 * young generation (by default it grows to 16 MiB per semi-space at start-up and stays committed);
 * 24.8 MiB once the bundles lost their comments and indentation (esbuild options above); 21.9 MiB
 * with one malloc arena (glibc gives each of node's threads its own). The old generation is bounded
 * below the container's memory limit, so a flood ends in a V8 out-of-memory restart of this decky's
 * process rather than the kernel killing it mid-allocation. `--lite-mode` would save 1.6 MiB more at
 * the cost of the optimising compiler (a flooded decoy would burn more CPU); `--jitless` would lose
 * WebAssembly (ssh2's poly1305). Re-measured by `pnpm --filter @decnet/lifecycle bench` (density).
 */
export const DECOY_NODE_FLAGS = ['--max-semi-space-size=1', '--max-old-space-size=128'] as const

/** Runs as an unprivileged user; binding ports below 1024 relies on Docker's default
 *  `net.ipv4.ip_unprivileged_port_start=0` in container network namespaces (20.10+). */
const DOCKERFILE = `FROM scratch
COPY rootfs/ /
WORKDIR /opt/decnet
ENV NODE_ENV=production MALLOC_ARENA_MAX=1
USER 65534:65534
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/node"]
CMD ${JSON.stringify([...DECOY_NODE_FLAGS, 'main.mjs'])}
`

/**
 * Bundles the entry points (no node_modules in the image) and builds the pause process. The decoy
 * entry is ESM split per emulator, so a decky's process parses only the emulators it runs. Returns
 * every file written, in a stable order, for the content hash.
 */
export async function bundleEntryPoints(
  outDir: string,
): Promise<{ main: string; pause: string; shaper: string; files: string[] }> {
  const common = {
    bundle: true,
    platform: 'node' as const,
    target: 'node20',
    // Optional native speed-ups of ssh2; it falls back to pure JS when they are absent.
    external: ['cpu-features'],
    minifySyntax: true,
    // Comments and indentation out: V8 keeps each module's source as a string for as long as the
    // process lives (~1.3 MiB less per decoy), and one non-Latin-1 character in a comment made it
    // a two-byte string (twice the size).
    minifyWhitespace: true,
    legalComments: 'none' as const,
    logLevel: 'error' as const,
  }
  const main = join(outDir, 'main.mjs')
  await build({
    ...common,
    format: 'esm',
    splitting: true,
    entryPoints: { main: join(PACKAGE_DIR, 'src/main.ts') },
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    // Bundled CommonJS dependencies (ssh2, node-forge, …) still call require() for Node built-ins.
    // ...and read __dirname/__filename, which ESM lacks: every chunk gets all three back.
    banner: {
      js: [
        "import { createRequire as __createRequire } from 'node:module'",
        "import { fileURLToPath as __fileURLToPath } from 'node:url'",
        'const require = __createRequire(import.meta.url)',
        'const __filename = __fileURLToPath(import.meta.url)',
        "const __dirname = __filename.slice(0, __filename.lastIndexOf('/'))",
      ].join(';\n'),
    },
  })
  const pause = join(outDir, 'pause')
  compilePause(pause)
  const shaper = join(outDir, 'shape')
  await build({
    ...common,
    format: 'cjs',
    entryPoints: [join(PACKAGE_DIR, 'src/shaper.ts')],
    outfile: shaper,
  })
  await copyFile(TCP_STACK_OBJECT, join(outDir, 'tcp-stack.bpf.o'))
  await copyNativeModules(join(outDir, 'node_modules'))
  const files = (await readdir(outDir, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort()
  return { main, pause, shaper, files }
}

/**
 * The base container's PID 1 (pause/pause.c), linked against the host's libc, which the image
 * carries for node anyway. Any C compiler does (`cc`; installing DECNET already needs one, to build
 * better-sqlite3); the output is reproducible enough for the content hash to stay put between runs.
 */
function compilePause(outFile: string): void {
  const compiler = process.env.CC || 'cc'
  try {
    execFileSync(compiler, ['-Os', '-s', '-Wall', '-o', outFile, join(PACKAGE_DIR, 'pause/pause.c')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    })
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim()
    throw new Error(
      `the decoy image's pause process needs a C compiler (${compiler}; set CC for another): ${stderr || (error as Error).message}`,
    )
  }
}

/**
 * koffi (getsockopt(SO_PEERNAME) for peers that reset before the accept, see peer-name.ts) loads a
 * native addon by path, which no bundle can hold: the package and this platform's prebuilt addon go
 * next to the bundles, where `require('koffi')` from /opt/decnet finds them. Its libraries (libc,
 * libstdc++, libm, libgcc_s) are a subset of node's, already in the image.
 */
async function copyNativeModules(nodeModules: string): Promise<void> {
  const koffiRoot = dirname(await realpath(createRequire(join(PACKAGE_DIR, 'package.json')).resolve('koffi')))
  const addon = await realpath(join(koffiRoot, '..', '@koromix', `koffi-${process.platform}-${process.arch}`))
  const copy = (from: string, to: string) =>
    cp(from, to, { recursive: true, dereference: true, filter: (path) => !/\/(doc|vendor)(\/|$)/.test(path) })
  await copy(koffiRoot, join(nodeModules, 'koffi'))
  await copy(addon, join(nodeModules, '@koromix', `koffi-${process.platform}-${process.arch}`))
}

/**
 * The node binary, the shaper's iproute2 tools and every shared library `ldd` lists for them, as
 * absolute host paths.
 */
export async function nodeRuntimeFiles(
  nodeBinary?: string,
): Promise<{ node: string; tools: string[]; libraries: string[] }> {
  const node = await realpath(nodeBinary ?? process.execPath)
  const tools = [...SHAPER_TOOLS]
  const ldd = execFileSync('ldd', [node, ...tools], { encoding: 'utf8' })
  // With several files ldd prints a `path:` header per file; only the library paths are wanted.
  const libraries = [...new Set(ldd.match(/\/[^\s):]+(?=\s|\))/g) ?? [])].filter(
    (path) => path !== node && !tools.includes(path as (typeof SHAPER_TOOLS)[number]),
  )
  return { node, tools, libraries }
}

export async function buildDecoyImage(options: BuildDecoyImageOptions = {}): Promise<BuildDecoyImageResult> {
  const log = options.log ?? (() => undefined)
  const docker = options.docker ?? dockerClient()
  const tag = options.tag ?? DECOY_IMAGE_TAG
  const workDir = await mkdtemp(join(tmpdir(), 'decnet-decoy-image-'))
  try {
    const rootfs = join(workDir, 'rootfs')
    const appDir = join(rootfs, 'opt/decnet')
    await mkdir(appDir, { recursive: true })
    const bundles = await bundleEntryPoints(appDir)
    const runtime = await nodeRuntimeFiles(options.nodeBinary)
    const hash = createHash('sha256').update(DOCKERFILE)
    for (const file of bundles.files) {
      hash.update(relative(appDir, file))
      hash.update(await readFile(file))
    }
    for (const file of [runtime.node, ...runtime.tools, ...runtime.libraries]) {
      hash.update(file)
      await hashFile(hash, file)
    }
    const contentHash = hash.digest('hex')

    const existing = await inspectImage(docker, tag)
    if (existing?.Config?.Labels?.[CONTENT_HASH_LABEL] === contentHash) {
      log(`${tag} is up to date (${contentHash.slice(0, 12)})`)
      return { tag, id: existing.Id, contentHash, built: false, sizeBytes: existing.Size }
    }

    log(
      `building ${tag} from ${runtime.node}, ${runtime.tools.join(', ')} and ${runtime.libraries.length} libraries`,
    )
    await copyInto(rootfs, runtime.node, '/usr/bin/node')
    for (const tool of runtime.tools) await copyInto(rootfs, tool, tool)
    for (const library of runtime.libraries) await copyInto(rootfs, library, library)
    await writeFile(join(workDir, 'Dockerfile'), DOCKERFILE)
    const stream = await docker.buildImage(
      { context: workDir, src: ['Dockerfile', 'rootfs'] },
      { t: tag, labels: { [CONTENT_HASH_LABEL]: contentHash }, rm: true, forcerm: true },
    )
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(stream, (error: Error | null, output: { error?: string }[]) => {
        const failure = error?.message ?? output.find((entry) => entry.error)?.error
        if (failure) reject(new Error(`decoy image build failed: ${failure}`))
        else resolve()
      })
    })
    const image = await inspectImage(docker, tag)
    if (!image) throw new Error(`decoy image build reported success but ${tag} is missing`)
    log(`built ${tag}: ${(image.Size / 1024 / 1024).toFixed(1)} MiB`)
    // The superseded build would linger as a dangling ~100 MiB image; drop it unless still in use.
    if (existing && existing.Id !== image.Id) {
      await docker
        .getImage(existing.Id)
        .remove()
        .catch(() => undefined)
    }
    return { tag, id: image.Id, contentHash, built: true, sizeBytes: image.Size }
  } finally {
    await rm(workDir, { recursive: true, force: true })
  }
}

/** A client for $DOCKER_HOST (unix or tcp) or the local socket; API version left to negotiation. */
export function dockerClient(): Docker {
  const host = process.env.DOCKER_HOST
  if (host?.startsWith('tcp://')) {
    const url = new URL(host)
    return new Docker({ host: url.hostname, port: Number(url.port || 2375), protocol: 'http' })
  }
  return new Docker({
    socketPath: host?.startsWith('unix://') ? host.slice('unix://'.length) : '/var/run/docker.sock',
  })
}

async function inspectImage(docker: Docker, tag: string): Promise<Docker.ImageInspectInfo | undefined> {
  try {
    return await docker.getImage(tag).inspect()
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined
    throw error
  }
}

async function copyInto(rootfs: string, source: string, target: string): Promise<void> {
  const destination = join(rootfs, target)
  await mkdir(dirname(destination), { recursive: true })
  await copyFile(await realpath(source), destination)
}

async function hashFile(hash: ReturnType<typeof createHash>, file: string): Promise<void> {
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
}
