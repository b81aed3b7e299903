'use client'

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import Link from 'next/link'
import { usePathname, useRouter } from 'next/navigation'
import { type ReactNode, useEffect } from 'react'
import { errorCode, errorMessage } from '@/lib/errors.ts'
import { beginSignOut, finishSignOut, isSigningOut } from '@/lib/sign-out.ts'
import { useTRPC } from '@/trpc/client.ts'
import { ApiDownBanner } from './api-down-banner.tsx'
import { MeProvider } from './session.tsx'
import { ThemeToggle } from './theme-toggle.tsx'

const NAV: { href: string; label: string; adminOnly?: boolean }[] = [
  { href: '/dashboard', label: 'Overview' },
  { href: '/fleet', label: 'Fleet' },
  { href: '/fleet/deploy', label: 'Deploy', adminOnly: true },
  { href: '/topology', label: 'Topology' },
  { href: '/logs', label: 'Logs' },
  { href: '/attackers', label: 'Attackers' },
  { href: '/credentials', label: 'Credentials' },
  { href: '/techniques', label: 'Techniques' },
  { href: '/iocs', label: 'IOCs' },
  { href: '/artifacts', label: 'Artifacts' },
  { href: '/incidents', label: 'Incidents' },
  { href: '/hosts', label: 'Hosts', adminOnly: true },
  { href: '/alerts', label: 'Alerts' },
  { href: '/config', label: 'Config' },
  { href: '/health', label: 'Health' },
  { href: '/workers', label: 'Workers' },
  { href: '/audit', label: 'Audit', adminOnly: true },
]

function isCurrent(pathname: string, href: string): boolean {
  // A decky's page is part of the fleet; the wizard has its own entry.
  if (href === '/fleet')
    return pathname === '/fleet' || (pathname.startsWith('/fleet/') && !pathname.startsWith('/fleet/deploy'))
  return pathname === href || pathname.startsWith(`${href}/`)
}

export function ConsoleShell({ children }: { children: ReactNode }) {
  const trpc = useTRPC()
  const router = useRouter()
  const pathname = usePathname()
  const queryClient = useQueryClient()
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { staleTime: 60_000 }))
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      onMutate: beginSignOut,
      onSettled: () => {
        queryClient.clear()
        finishSignOut()
      },
    }),
  )

  const code = me.isError ? errorCode(me.error) : undefined
  const mustChange = me.data?.mustChangePassword === true
  useEffect(() => {
    if (isSigningOut()) return
    if (code === 'UNAUTHORIZED') router.replace(`/login?next=${encodeURIComponent(pathname)}`)
    else if (mustChange) router.replace('/login?change=1')
  }, [code, mustChange, pathname, router])

  if (me.isPending || code === 'UNAUTHORIZED' || mustChange) {
    return (
      <main aria-busy="true">
        <p className="muted">Loading the console…</p>
      </main>
    )
  }
  if (me.isError) {
    return (
      <main>
        <ApiDownBanner />
        <p role="alert" className="alert">
          Cannot reach the DECNET API: {errorMessage(me.error)}
        </p>
      </main>
    )
  }
  const user = me.data
  return (
    <MeProvider value={user}>
      <a className="skip-link" href="#content">
        Skip to content
      </a>
      <div className="shell">
        <nav className="sidebar" aria-label="Console">
          <div className="brand">
            DECNET<small>deception network console</small>
          </div>
          {NAV.filter((item) => !item.adminOnly || user.role === 'admin').map((item) => (
            <Link
              key={item.href}
              href={item.href}
              className="nav-link"
              aria-current={isCurrent(pathname, item.href) ? 'page' : undefined}
            >
              {item.label}
            </Link>
          ))}
          <div className="sidebar-foot">
            <div>
              Signed in as <strong data-testid="me-username">{user.username}</strong>{' '}
              <span className="badge" data-testid="me-role">
                {user.role}
              </span>
            </div>
            <ThemeToggle />
            <button type="button" onClick={() => logout.mutate()} disabled={logout.isPending}>
              Sign out
            </button>
          </div>
        </nav>
        <main className="content" id="content">
          <ApiDownBanner />
          {children}
        </main>
      </div>
    </MeProvider>
  )
}
