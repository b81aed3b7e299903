// @decnet/core/intel: attacker intelligence as pure functions over events (rules are data).
export * from './analyse.ts'
export * from './stored.ts'
export * from './types.ts'
