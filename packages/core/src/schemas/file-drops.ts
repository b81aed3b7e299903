// File drops: bait files an admin places into a decky's visible filesystem (the ssh/telnet shell, and
// the FTP root). They travel to the decoys in the service containers' environment, so the caps keep the
// whole set well under what one exec's environment may hold (Linux: 128 KiB per variable, 2 MiB in all).
import { z } from 'zod'
import { ZDeckyName, ZIsoDate } from './common.ts'

/** Bytes of one drop's content (UTF-8): bait files (keys, `.env`, credentials) are a few KiB. */
export const FILE_DROP_MAX_BYTES = 64 * 1024
/** Drops per decky: with the byte cap, 512 KiB at most in a container's environment. */
export const FILE_DROPS_PER_DECKY_MAX = 8
/** The services whose decoys show drops: the fake shell's filesystem and the FTP listing. */
export const FILE_DROP_SERVICES = ['ssh', 'telnet', 'ftp'] as const
/** The directory the FTP decoy serves (flat): drops directly in it are listed and downloadable there. */
export const FTP_ROOT = '/srv/ftp'
/** Trees the shell computes itself (kernel views, devices): a drop there would contradict them. */
const RESERVED_TREES = ['/proc', '/sys', '/dev', '/run']

const PATH_MAX = 255
// The console validates with these schemas too: TextEncoder, not Buffer.
const utf8 = new TextEncoder()

/** Why a path cannot take a drop, or undefined when it can. */
export function fileDropPathProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return 'must be absolute'
  if (path.length > PATH_MAX) return `is longer than ${PATH_MAX} characters`
  if (path === '/' || path.endsWith('/')) return 'must name a file, not a directory'
  // Printable ASCII without backslash or quotes: no control bytes reach a terminal or a listing.
  if (!/^[A-Za-z0-9._/+@=,:~-]+$/.test(path)) return 'may hold only letters, digits and . _ / + @ = , : ~ -'
  const parts = path.slice(1).split('/')
  if (parts.some((part) => part === '' || part === '.' || part === '..'))
    return 'must be normalised (no //, . or ..)'
  const reserved = RESERVED_TREES.find((tree) => path === tree || path.startsWith(`${tree}/`))
  if (reserved) return `may not be under ${reserved}`
  return undefined
}

export const ZFileDropPath = z.string().superRefine((path, ctx) => {
  const problem = fileDropPathProblem(path)
  if (problem) ctx.addIssue({ code: 'custom', message: `the path ${problem}` })
})

/** Unix permission bits, octal (`644`, `0600`). */
export const ZFileDropMode = z
  .string()
  .regex(/^0?[0-7]{3}$/, 'expected octal permission bits like 644 or 0600')

/** A login name as useradd takes it. */
export const ZFileDropOwner = z
  .string()
  .regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'expected a user name like root or www-data')

export const ZFileDropContent = z
  .string()
  .refine((text) => utf8.encode(text).byteLength <= FILE_DROP_MAX_BYTES, {
    message: `the content is larger than ${FILE_DROP_MAX_BYTES / 1024} KiB`,
  })

/** What a decoy needs to show one drop (the containers' `DECNET_FILE_DROP_<n>` carries it). */
export const ZFileDrop = z.object({
  path: ZFileDropPath,
  content: ZFileDropContent,
  mode: ZFileDropMode,
  owner: ZFileDropOwner,
  /** When it was dropped: the file's modification time. */
  modifiedAt: ZIsoDate,
})
export type FileDrop = z.infer<typeof ZFileDrop>

export const ZAddFileDropRequest = z
  .object({
    name: ZDeckyName,
    path: ZFileDropPath,
    content: ZFileDropContent,
    mode: ZFileDropMode.default('644'),
    owner: ZFileDropOwner.default('root'),
  })
  .strict()
export type AddFileDropRequest = z.infer<typeof ZAddFileDropRequest>

export const ZRemoveFileDropRequest = z.object({ name: ZDeckyName, path: ZFileDropPath }).strict()

/** The permission string `ls -l` shows for a drop's mode (`644` → `-rw-r--r--`). */
export function fileDropModeString(mode: string): string {
  const bits = mode.slice(-3)
  const triple = (digit: number) => `${digit & 4 ? 'r' : '-'}${digit & 2 ? 'w' : '-'}${digit & 1 ? 'x' : '-'}`
  return `-${[...bits].map((digit) => triple(Number(digit))).join('')}`
}
