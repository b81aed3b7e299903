import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'

const PREFIX = 'enc:v1:'

/**
 * AES-256-GCM for secrets at rest (hosts' TLS material, alert channels' keys and passwords). The key comes from DECNET_SECRET_KEY
 * (any string of ≥ 32 characters, stretched with HKDF), never from the database it protects.
 */
export type SecretBox = { seal(plain: string): string; open(sealed: string): string }

export function createSecretBox(secret: string): SecretBox {
  if (secret.length < 32) throw new Error('DECNET_SECRET_KEY must be at least 32 characters')
  const key = Buffer.from(hkdfSync('sha256', secret, 'decnet', 'decnet secrets at rest v1', 32))
  return {
    seal(plain) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      return `${PREFIX}${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`
    },
    open(sealed) {
      if (!sealed.startsWith(PREFIX)) throw new Error('not a sealed secret')
      const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64')
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12))
      decipher.setAuthTag(raw.subarray(12, 28))
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')
    },
  }
}
