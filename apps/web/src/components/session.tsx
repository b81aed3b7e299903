'use client'

import { createContext, useContext } from 'react'
import type { RouterOutputs } from '@/trpc/client.ts'

export type Me = RouterOutputs['auth']['me']

const MeContext = createContext<Me | null>(null)
export const MeProvider = MeContext.Provider

/** The signed-in user; only valid below the console shell, which renders nothing until it is known. */
export function useMe(): Me {
  const me = useContext(MeContext)
  if (!me) throw new Error('useMe() outside the console shell')
  return me
}

export function useIsAdmin(): boolean {
  return useMe().role === 'admin'
}
