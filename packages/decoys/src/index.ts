export type {
  DecoyEvent,
  EmittedEvent,
  Emulator,
  EmulatorContext,
  RunningEmulator,
  ServiceConfigValue,
} from './emulator.ts'
export { EMULATORS } from './registry.ts'
