import { createHash, type Hash } from 'node:crypto'
import { posix } from 'node:path'
// ssh2 is CommonJS: its `utils` comes off the default export under Node's ESM loader (tsx, the local engine).
import ssh2, { type SFTPWrapper } from 'ssh2'

const { utils } = ssh2

import { type ArtifactUpload, MAX_FORWARDED_BYTES, startUpload } from '../framework/artifact-gateway.ts'
import type { Fields } from '../framework/tcp.ts'

const { STATUS_CODE, OPEN_MODE } = utils.sftp

/** Files open at once in one sftp session (OpenSSH's client opens one per transfer). */
const MAX_OPEN_FILES = 8
/** Bytes of one upload hashed; past this the file is cut (the event says truncated). */
const MAX_UPLOAD_BYTES = MAX_FORWARDED_BYTES

type OpenFile = { path: string; bytes: number; hash: Hash; kept: ArtifactUpload; truncated: boolean }

const DIRECTORY = { mode: 0o40755, uid: 0, gid: 0, size: 4096, atime: 0, mtime: 0 }

/**
 * The sftp subsystem as a drop box (what `sftp put` and OpenSSH 9's default `scp` speak): files an
 * intruder writes are streamed to the artifact gateway and become `upload` events (via sftp) with
 * path, size and SHA-256; every directory seems to exist and be empty, reads find nothing. Nothing
 * touches the decoy's disk.
 */
export function serveSftp(
  sftp: SFTPWrapper,
  home: string,
  attackerIp: string,
  emit: (event: string, fields: Fields) => void,
): void {
  const files = new Map<number, OpenFile>()
  const directories = new Set<number>()
  let nextHandle = 1
  const resolve = (path: string) => posix.resolve(home, path || '.')
  const handleOf = (id: number) => {
    const handle = Buffer.alloc(4)
    handle.writeUInt32BE(id)
    return handle
  }
  const idOf = (handle: Buffer) => (handle.length === 4 ? handle.readUInt32BE(0) : -1)

  const finish = (file: OpenFile) => {
    void file.kept.end()
    emit('upload', {
      via: 'sftp',
      path: file.path,
      name: posix.basename(file.path),
      bytes: file.bytes,
      sha256: file.hash.digest('hex'),
      ...(file.truncated ? { truncated: true } : {}),
    })
  }

  sftp.on('REALPATH', (reqid, path) =>
    sftp.name(reqid, [{ filename: resolve(path), longname: '', attrs: DIRECTORY }]),
  )
  // The usual directories (and those made in this session) exist; a file asked about does not (yet).
  const directoriesSeen = new Set([
    '/',
    '/tmp',
    '/var/tmp',
    '/dev/shm',
    '/root',
    '/root/.ssh',
    '/home',
    home,
    `${home}/.ssh`,
  ])
  const stat = (reqid: number, path: string) =>
    directoriesSeen.has(resolve(path))
      ? sftp.attrs(reqid, DIRECTORY)
      : sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE)
  sftp.on('STAT', stat)
  sftp.on('LSTAT', stat)
  sftp.on('OPEN', (reqid, filename, flags) => {
    if (!(flags & OPEN_MODE.WRITE)) return sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE)
    if (files.size >= MAX_OPEN_FILES) return sftp.status(reqid, STATUS_CODE.FAILURE)
    const path = resolve(filename).slice(0, 1024)
    const id = nextHandle++
    files.set(id, {
      path,
      bytes: 0,
      hash: createHash('sha256'),
      kept: startUpload('upload', path, attackerIp),
      truncated: false,
    })
    sftp.handle(reqid, handleOf(id))
  })
  sftp.on('WRITE', (reqid, handle, _offset, data) => {
    const file = files.get(idOf(handle))
    if (!file) return sftp.status(reqid, STATUS_CODE.FAILURE)
    // OpenSSH writes in offset order over one channel; the bytes are taken as they come.
    const room = MAX_UPLOAD_BYTES - file.bytes
    if (data.length > room) file.truncated = true
    const kept = data.subarray(0, Math.max(0, room))
    file.hash.update(kept)
    file.kept.write(data)
    file.bytes += kept.length
    sftp.status(reqid, STATUS_CODE.OK)
  })
  sftp.on('FSTAT', (reqid, handle) => {
    const file = files.get(idOf(handle))
    if (!file) return sftp.status(reqid, STATUS_CODE.FAILURE)
    sftp.attrs(reqid, { mode: 0o100644, uid: 0, gid: 0, size: file.bytes, atime: 0, mtime: 0 })
  })
  sftp.on('SETSTAT', (reqid) => sftp.status(reqid, STATUS_CODE.OK))
  sftp.on('FSETSTAT', (reqid) => sftp.status(reqid, STATUS_CODE.OK))
  sftp.on('MKDIR', (reqid, path) => {
    if (directoriesSeen.size < 256) directoriesSeen.add(resolve(path))
    sftp.status(reqid, STATUS_CODE.OK)
  })
  sftp.on('OPENDIR', (reqid) => {
    const id = nextHandle++
    directories.add(id)
    sftp.handle(reqid, handleOf(id))
  })
  sftp.on('READDIR', (reqid) => sftp.status(reqid, STATUS_CODE.EOF))
  sftp.on('READ', (reqid) => sftp.status(reqid, STATUS_CODE.EOF))
  sftp.on('REMOVE', (reqid) => sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE))
  sftp.on('RENAME', (reqid) => sftp.status(reqid, STATUS_CODE.OK))
  sftp.on('CLOSE', (reqid, handle) => {
    const id = idOf(handle)
    const file = files.get(id)
    files.delete(id)
    directories.delete(id)
    if (file) finish(file)
    sftp.status(reqid, STATUS_CODE.OK)
  })
  // The client is done (sftp's batch ended, scp finished): the channel closes as OpenSSH's does.
  sftp.on('end', () => sftp.end())
  // A session cut mid-transfer still records what came.
  sftp.on('close', () => {
    for (const file of files.values()) finish(file)
    files.clear()
  })
}
