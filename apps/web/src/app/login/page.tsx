'use client'

import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useRouter } from 'next/navigation'
import { type FormEvent, useEffect, useState } from 'react'
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

  return (
    <main className="login-box">
      <div className="brand" style={{ fontWeight: 700, letterSpacing: '0.08em', fontSize: 18 }}>
        DECNET
      </div>
      {stage === 'login' ? (
        <form className="panel" onSubmit={submitLogin} aria-labelledby="login-heading">
          <h1 id="login-heading">Sign in</h1>
          <label className="field">
            <span>Username</span>
            <input
              name="username"
              autoComplete="username"
              required
              value={username}
              onChange={(e) => setUsername(e.target.value)}
            />
          </label>
          <label className="field">
            <span>Password</span>
            <input
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
          {login.isError && (
            <p role="alert" className="alert">
              {errorMessage(login.error)}
            </p>
          )}
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
          <label className="field">
            <span>Current password</span>
            <input
              name="oldPassword"
              type="password"
              autoComplete="current-password"
              required
              value={oldPassword}
              onChange={(e) => setOldPassword(e.target.value)}
            />
          </label>
          <label className="field">
            <span>New password</span>
            <input
              name="newPassword"
              type="password"
              autoComplete="new-password"
              required
              minLength={12}
              value={newPassword}
              onChange={(e) => setNewPassword(e.target.value)}
            />
          </label>
          <label className="field">
            <span>Repeat the new password</span>
            <input
              name="confirmPassword"
              type="password"
              autoComplete="new-password"
              required
              value={confirm}
              onChange={(e) => setConfirm(e.target.value)}
            />
          </label>
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
