import { randomInt } from 'node:crypto'
import type { RandomSource } from '@decnet/core'

const RANGE = 2 ** 48 - 1 // node's randomInt bound

/** Unpredictable randomness in [0, 1) for plans and mutations (hostnames, services): not Math.random. */
export const cryptoRandom: RandomSource = () => randomInt(0, RANGE) / RANGE
