import type { Persona } from '@decnet/core/schemas'
import type {
  CipherAlgorithm,
  CompressionAlgorithm,
  KexAlgorithm,
  MacAlgorithm,
  ServerHostKeyAlgorithm,
} from 'ssh2'
import { compareVersions } from './versions.ts'

/** The host key types a server holds, in the order it loads them (which orders its KEXINIT list). */
export type HostKeyType = 'rsa' | 'ecdsa' | 'ed25519'

/**
 * What one SSH server product offers in its KEXINIT, in its own preference order, so the
 * HASSH-server fingerprint and `ssh -vv`'s "peer server KEXINIT proposal" match the version the
 * ident claims. Names ssh2 cannot negotiate (sntrup761x25519, mlkem768x25519, umac-*, Dropbear's
 * kexguess2) are left out: offering a method the server then fails would break real clients.
 */
export type SshProfile = {
  kex: KexAlgorithm[]
  /** Host key algorithms in order; ssh2 orders its list by the host keys' order and these positions. */
  serverHostKey: ServerHostKeyAlgorithm[]
  cipher: CipherAlgorithm[]
  hmac: MacAlgorithm[]
  compress: CompressionAlgorithm[]
  hostKeys: HostKeyType[]
  rsaBits: number
}

/** What OpenSSH offers first, upstream and in RHEL's crypto-policies alike: curves, then group exchange. */
const OPENSSH_CURVE_AND_GEX_KEX: KexAlgorithm[] = [
  'curve25519-sha256',
  'curve25519-sha256@libssh.org',
  'ecdh-sha2-nistp256',
  'ecdh-sha2-nistp384',
  'ecdh-sha2-nistp521',
  'diffie-hellman-group-exchange-sha256',
]
const OPENSSH_KEX: KexAlgorithm[] = [
  ...OPENSSH_CURVE_AND_GEX_KEX,
  'diffie-hellman-group16-sha512',
  'diffie-hellman-group18-sha512',
  'diffie-hellman-group14-sha256',
]
const OPENSSH_CIPHERS: CipherAlgorithm[] = [
  'chacha20-poly1305@openssh.com',
  'aes128-ctr',
  'aes192-ctr',
  'aes256-ctr',
  'aes128-gcm@openssh.com',
  'aes256-gcm@openssh.com',
]
const OPENSSH_MACS: MacAlgorithm[] = [
  'hmac-sha2-256-etm@openssh.com',
  'hmac-sha2-512-etm@openssh.com',
  'hmac-sha1-etm@openssh.com',
  'hmac-sha2-256',
  'hmac-sha2-512',
  'hmac-sha1',
]

/** `OpenSSH_9.2p1 Debian-2+deb12u3` → `9.2p1`; `OpenSSH_for_Windows_8.1` → `8.1`. */
export function opensshVersion(banner: string): string | undefined {
  return /OpenSSH_(?:for_Windows_)?([\d.]+(?:p\d+)?)/.exec(banner)?.[1]
}

export function sshProfile(product: string, banner: string, os: Persona['os']): SshProfile {
  if (product === 'cisco-ios') {
    // IOS 15.x: SHA-1 key exchange, RSA host key only, CBC ciphers still on.
    return {
      kex: [
        'diffie-hellman-group-exchange-sha1',
        'diffie-hellman-group14-sha1',
        'diffie-hellman-group1-sha1',
      ],
      serverHostKey: ['ssh-rsa'],
      cipher: [
        'aes128-ctr',
        'aes192-ctr',
        'aes256-ctr',
        'aes128-cbc',
        '3des-cbc',
        'aes192-cbc',
        'aes256-cbc',
      ],
      hmac: ['hmac-sha1', 'hmac-sha1-96'],
      compress: ['none'],
      hostKeys: ['rsa'],
      rsaBits: 2048,
    }
  }
  if (product === 'dropbear') {
    return {
      kex: [
        'curve25519-sha256',
        'curve25519-sha256@libssh.org',
        'ecdh-sha2-nistp521',
        'ecdh-sha2-nistp384',
        'ecdh-sha2-nistp256',
        'diffie-hellman-group14-sha256',
        'diffie-hellman-group14-sha1',
      ],
      serverHostKey: ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'rsa-sha2-256', 'ssh-rsa'],
      cipher: ['chacha20-poly1305@openssh.com', 'aes128-ctr', 'aes256-ctr'],
      hmac: ['hmac-sha1', 'hmac-sha2-256'],
      compress: ['none'],
      hostKeys: ['ed25519', 'ecdsa', 'rsa'],
      rsaBits: 2048,
    }
  }
  const version = opensshVersion(banner) ?? '9.2p1'
  // sshd offers its keys in HostKey file order (rsa, ecdsa, ed25519); ssh-rsa (SHA-1) left the
  // default list in 8.8.
  const sha1Rsa = compareVersions(version, '8.8') < 0
  const serverHostKey: ServerHostKeyAlgorithm[] = [
    'rsa-sha2-512',
    'rsa-sha2-256',
    ...(sha1Rsa ? (['ssh-rsa'] as const) : []),
    'ecdsa-sha2-nistp256',
    'ssh-ed25519',
  ]
  // ssh-keygen makes 3072-bit RSA host keys since 8.0.
  const rsaBits = compareVersions(version, '8.0') < 0 ? 2048 : 3072
  if (['rocky', 'rhel', 'almalinux', 'centos', 'fedora', 'ol'].includes(os.id)) {
    // RHEL's crypto-policies DEFAULT reorders what sshd offers.
    return {
      kex: [
        ...OPENSSH_CURVE_AND_GEX_KEX,
        'diffie-hellman-group14-sha256',
        'diffie-hellman-group16-sha512',
        'diffie-hellman-group18-sha512',
      ],
      serverHostKey,
      cipher: [
        'aes256-gcm@openssh.com',
        'chacha20-poly1305@openssh.com',
        'aes256-ctr',
        'aes128-gcm@openssh.com',
        'aes128-ctr',
      ],
      hmac: [
        'hmac-sha2-256-etm@openssh.com',
        'hmac-sha1-etm@openssh.com',
        'hmac-sha2-512-etm@openssh.com',
        'hmac-sha2-256',
        'hmac-sha1',
        'hmac-sha2-512',
      ],
      compress: ['none', 'zlib@openssh.com'],
      hostKeys: ['rsa', 'ecdsa', 'ed25519'],
      rsaBits,
    }
  }
  return {
    kex: OPENSSH_KEX,
    serverHostKey,
    cipher: OPENSSH_CIPHERS,
    hmac: OPENSSH_MACS,
    compress: ['none', 'zlib@openssh.com'],
    hostKeys: ['rsa', 'ecdsa', 'ed25519'],
    rsaBits,
  }
}
