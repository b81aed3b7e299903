import { describe, expect, it } from 'vitest'
import {
  FILE_DROP_MAX_BYTES,
  fileDropModeString,
  fileDropPathProblem,
  ZAddFileDropRequest,
} from '../src/schemas/file-drops.ts'

describe('file drop rules', () => {
  it('takes absolute, normalised file paths outside the computed trees', () => {
    for (const path of [
      '/root/passwords.txt',
      '/srv/ftp/payroll-2024.csv',
      '/home/a/.ssh/id_rsa',
      '/etc/motd',
    ])
      expect(fileDropPathProblem(path)).toBeUndefined()
    expect(fileDropPathProblem('root/x')).toBe('must be absolute')
    expect(fileDropPathProblem('/')).toBe('must name a file, not a directory')
    expect(fileDropPathProblem('/tmp/')).toBe('must name a file, not a directory')
    for (const path of ['/tmp/../etc/shadow', '/tmp//x', '/./x'])
      expect(fileDropPathProblem(path)).toBe('must be normalised (no //, . or ..)')
    for (const path of ['/proc/cpuinfo', '/proc', '/sys/x', '/dev/null', '/run/x'])
      expect(fileDropPathProblem(path)).toMatch(/^may not be under \/(proc|sys|dev|run)$/)
    // /processes is not /proc.
    expect(fileDropPathProblem('/processes.txt')).toBeUndefined()
    for (const path of ['/tmp/a b', '/tmp/\u001b[31m', '/tmp/x\ny', '/tmp/"q"', '/tmp/\u00e9'])
      expect(fileDropPathProblem(path)).toMatch(/^may hold only/)
    expect(fileDropPathProblem(`/${'a'.repeat(255)}`)).toBe('is longer than 255 characters')
  })

  it('caps the content in UTF-8 bytes and defaults mode and owner', () => {
    const base = { name: 'web-1', path: '/root/a.txt' }
    expect(ZAddFileDropRequest.parse({ ...base, content: 'x' })).toEqual({
      ...base,
      content: 'x',
      mode: '644',
      owner: 'root',
    })
    expect(ZAddFileDropRequest.safeParse({ ...base, content: 'x'.repeat(FILE_DROP_MAX_BYTES) }).success).toBe(
      true,
    )
    // Two bytes each in UTF-8: over the cap although under it in characters.
    expect(
      ZAddFileDropRequest.safeParse({ ...base, content: '\u00e9'.repeat(FILE_DROP_MAX_BYTES / 2 + 1) })
        .success,
    ).toBe(false)
    expect(ZAddFileDropRequest.safeParse({ ...base, content: 'x', mode: '999' }).success).toBe(false)
    expect(ZAddFileDropRequest.safeParse({ ...base, content: 'x', owner: 'Root;rm' }).success).toBe(false)
    expect(ZAddFileDropRequest.safeParse({ ...base, content: 'x', extra: 1 }).success).toBe(false)
  })

  it('shows modes as ls does', () => {
    expect(fileDropModeString('644')).toBe('-rw-r--r--')
    expect(fileDropModeString('0600')).toBe('-rw-------')
    expect(fileDropModeString('755')).toBe('-rwxr-xr-x')
  })
})
