import type { Role } from '@decnet/core'
// The one policy for captured secrets shown to viewers. Decoys record what attackers send whole:
// passwords in auth events, but also the same secrets inside an HTTP form body, a URL's `user:pass@`,
// an Authorization or Cookie header, a JSON body or a shell command. Every viewer-facing output of
// attacker data goes through here; admins get the data unmasked and never call it.

export const MASK = '••••••••'

/** Field under which the ingester keeps the names of an event's secret fields (from the decoy's secret_fields). */
export const SECRET_FIELDS_KEY = 'secret_fields'

/** Shortest captured secret whose every other occurrence is masked too (shorter would mangle text). */
const MIN_ECHOED_SECRET = 3

/** Key names (lowercased, `-`/`_`/`.` removed) that hold a secret wherever they appear. */
const SECRET_NAME_PARTS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'authorization',
  'cookie',
  'credential',
  'privatekey',
  'sessionid',
]
const SECRET_NAMES_EXACT = new Set(['pass', 'pwd', 'pw'])

/** Whether a field, header, form or JSON key of this name holds a secret. */
export function isSecretName(name: string): boolean {
  const normalised = name.toLowerCase().replace(/[-_.\s]/g, '')
  return SECRET_NAMES_EXACT.has(normalised) || SECRET_NAME_PARTS.some((part) => normalised.includes(part))
}

// Secret-looking names inside text, for the patterns below: a key containing one of the parts.
// Every repetition is bounded so a long hostile line cannot make a pattern backtrack quadratically.
const NAME =
  '[A-Za-z0-9_.-]{0,32}(?:pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key|credential|cookie|authorization|session_?id)[A-Za-z0-9_.-]{0,32}'

interface TextRule {
  pattern: RegExp
  /** Replacement text, and the secret it hid (masked elsewhere too). */
  replace: (match: string, ...groups: string[]) => { text: string; secret: string }
}

const TEXT_RULES: TextRule[] = [
  // scheme://user:pass@host
  {
    pattern: /\b([a-z][a-z0-9+.-]{0,31}:\/\/[^\s/:@"'\\]{0,256}:)([^\s/@"'\\]{1,256})@/gi,
    replace: (_m, prefix = '', secret = '') => ({ text: `${prefix}${MASK}@`, secret }),
  },
  // Authorization: Basic/Bearer/… <token> (in a raw request, a header dump or a command line)
  {
    pattern: /\b(Basic|Bearer|Digest|NTLM|Negotiate)([ \t]{1,16})([A-Za-z0-9+/=._~:-]{4,})/g,
    replace: (_m, scheme = '', space = '', secret = '') => ({ text: `${scheme}${space}${MASK}`, secret }),
  },
  // Cookie: / Set-Cookie: header lines in raw text
  {
    pattern: /\b((?:set-)?cookie\s*:\s*)([^\r\n"\\]+)/gi,
    replace: (_m, prefix = '', secret = '') => ({ text: `${prefix}${MASK}`, secret }),
  },
  // "password": "…" in JSON text (also JSON-escaped inside a raw line: \"password\":\"…\")
  {
    pattern: new RegExp(String.raw`((\\?")${NAME}\2\s*:\s*\2)((?:[^"\\]|\\[^"])*)(\2)`, 'gi'),
    replace: (_m, prefix = '', _quote = '', secret = '', close = '') => ({
      text: `${prefix}${MASK}${close}`,
      secret,
    }),
  },
  // password=… in a form body, query string or command line (-password=…, --token=…)
  {
    pattern: new RegExp(String.raw`(^|[?&;\s"'])(${NAME}=)([^&;\s"'\\]+)`, 'gim'),
    replace: (_m, lead = '', name = '', secret = '') => ({ text: `${lead}${name}${MASK}`, secret }),
  },
]

/** Collects what it hid, so the same secret is masked wherever else it appears. */
class Masker {
  readonly secrets = new Set<string>()
  changed = false

  text(value: string): string {
    let out = value
    for (const rule of TEXT_RULES) {
      out = out.replace(rule.pattern, (...args: unknown[]) => {
        const match = String(args[0])
        const groups = args.slice(1).filter((arg): arg is string => typeof arg === 'string')
        const { text, secret } = rule.replace(match, ...groups)
        if (secret && secret !== MASK) this.remember(secret)
        return text
      })
    }
    // A JSON object or array kept as text (the http decoy's headers, a JSON body): mask it by key.
    const trimmed = out.trimStart()
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(out)
        if (typeof parsed === 'object' && parsed !== null) {
          const masked = JSON.stringify(this.value(parsed))
          if (masked !== JSON.stringify(parsed)) out = masked
        }
      } catch {
        // not JSON after all: the text rules above applied
      }
    }
    if (out !== value) this.changed = true
    return out
  }

  value(value: unknown, name?: string): unknown {
    if (name !== undefined && isSecretName(name) && isSecretValue(value)) return this.hide(value)
    if (typeof value === 'string') return this.text(value)
    if (Array.isArray(value)) return value.map((item) => this.value(item))
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.value(item, key)]))
    }
    return value
  }

  hide(value: unknown): string {
    if (typeof value === 'string' || typeof value === 'number') this.remember(String(value))
    this.changed = true
    return MASK
  }

  remember(secret: string): void {
    if (secret.length >= MIN_ECHOED_SECRET) this.secrets.add(secret)
  }

  /** Masks every remaining occurrence of a secret hidden elsewhere (e.g. a password repeated in a command). */
  echoes(value: string): string {
    let out = value
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join(MASK)
    if (out !== value) this.changed = true
    return out
  }

  echoesIn(value: unknown): unknown {
    if (typeof value === 'string') return this.echoes(value)
    if (Array.isArray(value)) return value.map((item) => this.echoesIn(item))
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.echoesIn(item)]))
    }
    return value
  }
}

function isSecretValue(value: unknown): boolean {
  // A boolean or null under a secret-looking name (`password_set: true`) hides nothing.
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'object'
}

function secretFieldNames(fields: Record<string, unknown>): Set<string> {
  const names = fields[SECRET_FIELDS_KEY]
  return new Set(Array.isArray(names) ? names.filter((name): name is string => typeof name === 'string') : [])
}

/**
 * An event's fields as a viewer may see them: the decoy-declared secret fields, every secret-named
 * key and every secret-shaped piece of text masked, and each hidden secret masked wherever else it
 * recurs. `masked` says whether anything in the fields or the raw line held a secret.
 */
export function maskEventForViewer(
  fields: Record<string, unknown>,
  rawLine: string,
): { fields: Record<string, unknown>; masked: boolean } {
  const masker = new Masker()
  const declared = secretFieldNames(fields)
  const first = Object.fromEntries(
    Object.entries(fields).map(([key, value]) => [
      key,
      key === SECRET_FIELDS_KEY ? value : declared.has(key) ? masker.hide(value) : masker.value(value, key),
    ]),
  )
  const maskedFields = masker.echoesIn(first) as Record<string, unknown>
  masker.echoes(masker.text(rawLine))
  return { fields: maskedFields, masked: masker.changed }
}

/** Free text from an attacker (a captured command) with secret-shaped pieces masked. */
export function maskTextForViewer(text: string): string {
  return new Masker().text(text)
}

/**
 * Several pieces of one attacker text (a terminal recording's lines) masked together: a secret
 * found in one piece is masked in every other piece too.
 */
export function maskTextsForViewer(texts: readonly string[]): { texts: string[]; masked: boolean } {
  const masker = new Masker()
  const first = texts.map((text) => masker.text(text))
  const masked = first.map((text) => masker.echoes(text))
  return { texts: masked, masked: masker.changed }
}

/** Captured secrets are shown whole to admins only; every other viewer gets them masked. */
export function revealsSecrets(user: { role: Role }): boolean {
  return user.role === 'admin'
}
