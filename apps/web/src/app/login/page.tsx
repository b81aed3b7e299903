'use client'

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useRouter } from 'next/navigation'
import { type FormEvent, useEffect, useState } from 'react'
import { ErrorAlert } from '@/components/error-alert.tsx'
import { TextField } from '@/components/text-field.tsx'
import { errorMessage } from '@/lib/errors.ts'
import { useTRPC } from '@/trpc/client.ts'

function safeNext(raw: string | null): string {
  // Only same-site paths: never an open redirect.
  if (!raw?.startsWith('/') || raw.startsWith('//') || raw.startsWith('/login')) return '/fleet'
  return raw
}

export default function LoginPage() {
  const trpc = useTRPC()
  const router = useRouter()
  const queryClient = useQueryClient()
  const [stage, setStage] = useState<'login' | 'change'>('login')
  const [next, setNext] = useState('/fleet')
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [oldPassword, setOldPassword] = useState('')
  const [newPassword, setNewPassword] = useState('')
  const [confirm, setConfirm] = useState('')
  const [formError, setFormError] = useState<string | null>(null)

  useEffect(() => {
    const params = new URLSearchParams(window.location.search)
    setNext(safeNext(params.get('next')))
    if (params.get('change') === '1') setStage('change')
  }, [])

  // A signed-in user has nothing to do here: on to where they were going (auth.session answers
  // anonymous callers with null, not a 401). One with a one-time password stays to change it.
  const session = useQuery(trpc.auth.session.queryOptions(undefined, { staleTime: 0, retry: false }))
  const signedIn = session.data?.user != null && !session.data.user.mustChangePassword
  useEffect(() => {
    if (!signedIn) return
    const target = safeNext(new URLSearchParams(window.location.search).get('next'))
    router.replace(target)
  }, [signedIn, router])

  const enter = () => {
    queryClient.clear()
    router.replace(next)
  }

  const login = useMutation(
    trpc.auth.login.mutationOptions({
      onSuccess: (result) => {
        if (result.user.mustChangePassword) {
          setOldPassword(password)
          setPassword('')
          setStage('change')
        } else {
          enter()
        }
      },
    }),
  )
  const change = useMutation(trpc.auth.changePassword.mutationOptions({ onSuccess: enter }))

  const submitLogin = (event: FormEvent) => {
    event.preventDefault()
    setFormError(null)
    login.mutate({ username, password })
  }
  const submitChange = (event: FormEvent) => {
    event.preventDefault()
    setFormError(null)
    if (newPassword.length < 12) return setFormError('The new password needs at least 12 characters.')
    if (newPassword !== confirm) return setFormError('The two new passwords differ.')
    change.mutate({ oldPassword, newPassword })
  }

  if (session.isPending || signedIn) {
    return (
      <main className="login-box" aria-busy="true">
        <p className="muted" data-testid="login-redirecting">
          {signedIn ? 'Already signed in: opening the console…' : 'Checking your session…'}
        </p>
      </main>
    )
  }

  return (
    <main className="login-box">
      <div className="brand" style={{ fontWeight: 700, letterSpacing: '0.08em', fontSize: 18 }}>
        DECNET
      </div>
      {stage === 'login' ? (
        <form className="panel" onSubmit={submitLogin} aria-labelledby="login-heading">
          <h1 id="login-heading">Sign in</h1>
          <TextField
            label="Username"
            name="username"
            autoComplete="username"
            required
            value={username}
            onValue={setUsername}
          />
          <TextField
            label="Password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onValue={setPassword}
          />
          {login.isError && <ErrorAlert error={login.error} />}
          <button type="submit" className="primary" disabled={login.isPending}>
            {login.isPending ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      ) : (
        <form className="panel" onSubmit={submitChange} aria-labelledby="change-heading">
          <h1 id="change-heading">Choose a new password</h1>
          <p className="muted">
            This account has a one-time password. Choose your own before using the console: at least 12
            characters and hard to guess (common passwords, keyboard runs and repeats are refused). Other
            sessions of this account are signed out.
          </p>
          <TextField
            label="Current password"
            name="oldPassword"
            type="password"
            autoComplete="current-password"
            required
            value={oldPassword}
            onValue={setOldPassword}
          />
          <TextField
            label="New password"
            name="newPassword"
            type="password"
            autoComplete="new-password"
            required
            minLength={12}
            value={newPassword}
            onValue={setNewPassword}
          />
          <TextField
            label="Repeat the new password"
            name="confirmPassword"
            type="password"
            autoComplete="new-password"
            required
            value={confirm}
            onValue={setConfirm}
          />
          {(formError || change.isError) && (
            <p role="alert" className="alert">
              {formError ?? errorMessage(change.error)}
            </p>
          )}
          <button type="submit" className="primary" disabled={change.isPending}>
            {change.isPending ? 'Saving…' : 'Change password and continue'}
          </button>
        </form>
      )}
    </main>
  )
}
