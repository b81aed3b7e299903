import { ZxcvbnFactory } from '@zxcvbn-ts/core'
import * as common from '@zxcvbn-ts/language-common'
import * as english from '@zxcvbn-ts/language-en'
import { AppError } from '../app-error.ts'

/** zxcvbn's 0-4 scale: 3 means "safely unguessable" (~10^8 guesses) under online attack. */
const MIN_SCORE = 3
export const MIN_PASSWORD_LENGTH = 12

// Built on first use (the dictionaries take ~150 ms to rank). The l33t and length caps bound the
// estimator's CPU per call (an adversarial 256-character input otherwise costs seconds); a password
// is judged by its first 64 characters, which only ever makes the verdict stricter.
let estimator: ZxcvbnFactory | undefined
function strengthEstimator(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...english.dictionary },
    graphs: common.adjacencyGraphs,
    translations: english.translations,
    l33tMaxSubstitutions: 10,
    maxLength: 64,
  })
  return estimator
}

/**
 * Why a new password is refused (too short, or guessable: common, a keyboard walk, repeats, the
 * username…), or null when it is strong enough. Works offline: the dictionaries ship in the packages.
 */
export function passwordWeakness(password: string, relatedWords: string[] = []): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return `passwords need at least ${MIN_PASSWORD_LENGTH} characters`
  }
  const { score, feedback } = strengthEstimator().check(password, ['decnet', ...relatedWords])
  if (score >= MIN_SCORE) return null
  const advice = [feedback.warning, ...feedback.suggestions].filter(Boolean).join(' ')
  return `this password is too easy to guess${advice ? `: ${advice}` : ''}`
}

/** Throws the domain error (BAD_REQUEST, message shown to the user) for a weak new password. */
export function assertStrongPassword(password: string, relatedWords: string[] = []): void {
  const weakness = passwordWeakness(password, relatedWords)
  if (weakness) throw new AppError('invalid_input', weakness)
}
