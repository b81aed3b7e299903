// The attacker's overlay of the decky's file tree: what they write, chmod, mkdir, rm, mv, cp and touch
// shows in ls/cat for the rest of the session and in their next session on the same decky (and
// nobody else's), within bounds per attacker and for the whole store.
import { describe, expect, it } from 'vitest'
import {
  AttackerOverlay,
  MAX_OVERLAY_BYTES,
  MAX_OVERLAY_ENTRIES,
  OverlayStore,
  overlayFilesystem,
} from '../src/protocols-text/shell/overlay.ts'
import { shellHost } from '../src/protocols-text/shell/persona.ts'
import { createShell } from '../src/protocols-text/shell/shell.ts'
import { alpinePersona, debianPersona, debianTwin } from './shell-personas.ts'

const debian = debianPersona('0123456789abcdef0123456789abcdef')
// Each test gets its own attacker address: the store is shared by the process.
let attackerCount = 0
const nextAttacker = () => `198.51.100.${++attackerCount}`

function session(attacker?: string, persona = debian, user = 'root') {
  const shell = createShell(
    shellHost(persona, { bindAddress: '10.20.30.40' }),
    user,
    attacker ? { attacker } : {},
  )
  return (line: string) => shell.run(line).output
}

describe('the attacker overlay in the fake shell', () => {
  it('echo hi > /tmp/a; cat /tmp/a prints hi, and ls | head honours the pipe', () => {
    const run = session()
    expect(run('echo hi > /tmp/a; cat /tmp/a')).toBe('hi\n')
    expect(run('echo more >> /tmp/a; cat < /tmp/a')).toBe('hi\nmore\n')
    expect(run('ls / | head -3')).toBe('bin\nboot\ndev\n')
    expect(run('ls /etc | wc -l')).toMatch(/^\d+\n$/)
    expect(Number(run('ls /etc | wc -l'))).toBeGreaterThan(5)
    expect(run('ls -l /tmp/a')).toMatch(/^-rw-r--r-- 1 root root 8 /)
  })

  it('mkdir, touch, chmod, cp, mv and rm change what ls and cat show', () => {
    const run = session()
    expect(run('mkdir /tmp/.x && cd /tmp/.x && echo payload > run.sh && chmod +x run.sh && ls -l')).toMatch(
      /^total \d+\n-rwxr-xr-x 1 root root 8 .* run\.sh\n$/,
    )
    expect(run('./run.sh; echo $?')).toBe(
      '-bash: ./run.sh: cannot execute binary file: Exec format error\n126\n',
    )
    expect(run('cp run.sh copy.sh && mv run.sh /tmp/moved && ls')).toBe('copy.sh\n')
    expect(run('cat /tmp/moved copy.sh')).toBe('payload\npayload\n')
    expect(run('chmod 600 /tmp/moved; ls -l /tmp/moved')).toMatch(/^-rw------- 1 root root 8 /)
    expect(run('touch /tmp/empty; cat /tmp/empty; ls /tmp')).toBe('empty  moved\n')
    expect(run('mkdir /tmp/.x; echo $?')).toBe('mkdir: cannot create directory ‘/tmp/.x’: File exists\n1\n')
    expect(run('rm /tmp/.x; echo $?')).toBe("rm: cannot remove '/tmp/.x': Is a directory\n1\n")
    expect(run('cd /; rm -rf /tmp/.x; ls -a /tmp; cd /tmp/.x')).toBe(
      '.  ..  empty  moved\n-bash: cd: /tmp/.x: No such file or directory\n',
    )
    // The persona's own files can be removed (by root) and stay removed; a new directory of the same
    // name does not bring the old children back.
    expect(run('rm -r /var/log && ls /var')).not.toMatch(/\blog\b/)
    expect(run('mkdir /var/log && ls /var/log | wc -l')).toBe('0\n')
    expect(run('cat /etc/hostname; rm /etc/hostname; cat /etc/hostname')).toBe(
      'web-prod-03\ncat: /etc/hostname: No such file or directory\n',
    )
  })

  it('a user may change their home and the temp dirs, not the system', () => {
    const host = shellHost(debian, { bindAddress: '10.20.30.40' })
    const user = host.humanUsers[0] as string
    const run = session(undefined, debian, user)
    expect(run('echo x > /etc/evil; echo $?')).toBe('-bash: /etc/evil: Permission denied\n1\n')
    expect(run('rm /etc/passwd')).toBe("rm: cannot remove '/etc/passwd': Permission denied\n")
    expect(run('chmod 777 /etc/passwd')).toBe(
      "chmod: changing permissions of '/etc/passwd': Operation not permitted\n",
    )
    expect(
      run('mkdir ~/.ssh && echo ssh-ed25519 KEY > ~/.ssh/authorized_keys && cat ~/.ssh/authorized_keys'),
    ).toBe('ssh-ed25519 KEY\n')
  })

  it('the next session of the same attacker on the same decky finds their files; others do not', () => {
    const attacker = nextAttacker()
    const first = session(attacker)
    first(
      'mkdir -p /tmp/.cache/kx && echo "* * * * * /tmp/.cache/kx/run" > /tmp/.cache/kx/job; chmod 755 /tmp/.cache/kx/job',
    )
    first('rm /etc/motd 2>/dev/null; echo "pwned" > /root/.note')
    const again = session(attacker)
    expect(again('cat /tmp/.cache/kx/job; ls -l /tmp/.cache/kx')).toMatch(
      /^\* \* \* \* \* \/tmp\/\.cache\/kx\/run\ntotal \d+\n-rwxr-xr-x 1 root root \d+ .* job\n$/,
    )
    expect(again('cat /root/.note')).toBe('pwned\n')
    // Another attacker, and the same attacker on another decky, see the persona's tree.
    expect(session(nextAttacker())('ls /tmp/.cache; cat /root/.note')).toBe(
      "ls: cannot access '/tmp/.cache': No such file or directory\ncat: /root/.note: No such file or directory\n",
    )
    expect(session(attacker, debianTwin())('cat /root/.note')).toBe(
      'cat: /root/.note: No such file or directory\n',
    )
    // Busybox hosts keep theirs too.
    const alpine = alpinePersona('2'.repeat(32))
    session(attacker, alpine)('echo kept > /tmp/k')
    expect(session(attacker, alpine)('cat /tmp/k')).toBe('kept\n')
  })

  it('an overlay keeps at most MAX_OVERLAY_BYTES of content and MAX_OVERLAY_ENTRIES entries', () => {
    const run = session(nextAttacker())
    const chunk = 'x'.repeat(64 * 1024)
    run(`x=${chunk}; for i in 1 2 3 4 5 6; do echo "$x" > /tmp/f$i; done`)
    const sizes = run('wc -c /tmp/f1 /tmp/f2 /tmp/f3 /tmp/f4 /tmp/f5 /tmp/f6 | tail -1')
    expect(Number(sizes.trim().split(/\s+/)[0])).toBeLessThanOrEqual(MAX_OVERLAY_BYTES)
    const created = run(
      `i=0; while [ $i -lt ${MAX_OVERLAY_ENTRIES + 20} ]; do touch /tmp/t$i || break; i=$((i+1)); done; echo $i`,
    )
    expect(created).toMatch(/No space left on device\n\d+\n$/)
    expect(Number(created.trim().split('\n').at(-1))).toBeLessThan(MAX_OVERLAY_ENTRIES)
  })

  it('the store evicts the least recently used overlays past its bounds', () => {
    const store = new OverlayStore(1024, 3)
    const base = { list: () => ['tmp/'], read: () => undefined, stat: () => undefined }
    const fill = (attacker: string, bytes: number) => {
      const overlay = store.overlayFor('decky', attacker)
      overlay.nodes.set('/tmp/f', {
        kind: 'file',
        content: 'z'.repeat(bytes),
        size: bytes,
        mode: '-rw-r--r--',
        owner: 'root',
        group: 'root',
        mtimeMs: 0,
      })
      overlay.bytes = bytes
      return overlay
    }
    const a = fill('a', 100)
    fill('b', 100)
    fill('c', 100)
    expect(store.overlayFor('decky', 'a')).toBe(a)
    fill('d', 100)
    expect(store.size).toBe(3)
    // b was the least recently used; a was touched again.
    expect(store.overlayFor('decky', 'a')).toBe(a)
    expect(store.overlayFor('decky', 'b')).not.toHaveProperty('bytes', 100)
    fill('big', 1000)
    // Bytes written since are counted when the next session opens its overlay.
    store.overlayFor('decky', 'next')
    expect(store.totalBytes()).toBeLessThanOrEqual(1024)
    expect(overlayFilesystem(base, new AttackerOverlay()).list('/')).toEqual(['tmp/'])
  })
})
