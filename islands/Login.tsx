/**
 * The sign-in form. Without JavaScript it posts to `/login` and the server answers with a new
 * page (303 to `/`, or this form with a message). Hydrated, it posts with `fetch()` so a
 * lockout (429) can show a live countdown from `Retry-After` and keep the button disabled.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { TargetedEvent } from "preact";
import { formatClock } from "./lib/format.ts";

/** Props: a message from a failed no-JS attempt and, for a lockout, the seconds to wait. */
export interface LoginProps {
  message?: string;
  retryAfter?: number;
}

/** The sign-in island. */
export default function Login(props: LoginProps) {
  const [message, setMessage] = useState(props.message ?? "");
  const [lockedUntil, setLockedUntil] = useState(0);
  const [left, setLeft] = useState(props.retryAfter ?? 0);
  const [busy, setBusy] = useState(false);
  const password = useRef<HTMLInputElement>(null);

  // The server-rendered lockout page knows the wait only as a number: start the clock here.
  useEffect(() => {
    if (!props.retryAfter) return;
    setMessage("Too many failed attempts. Sign-in is paused.");
    setLockedUntil(Date.now() + props.retryAfter * 1000);
  }, []);

  useEffect(() => {
    if (!lockedUntil) return;
    const tick = () => {
      const s = Math.max(0, (lockedUntil - Date.now()) / 1000);
      setLeft(s);
      if (s <= 0) {
        setLockedUntil(0);
        setMessage("You can try again now.");
        password.current?.focus();
      }
    };
    tick();
    const timer = setInterval(tick, 250);
    return () => clearInterval(timer);
  }, [lockedUntil]);

  const submit = async (e: TargetedEvent<HTMLFormElement, SubmitEvent>) => {
    e.preventDefault();
    if (busy || lockedUntil) return;
    setBusy(true);
    try {
      const res = await fetch("/login", {
        method: "POST",
        body: new URLSearchParams({ password: password.current?.value ?? "" }),
        headers: { accept: "application/json" },
      });
      if (res.redirected || res.ok) return location.assign("/");
      const body = await res.json().catch(() => ({}));
      if (res.status === 429) {
        const wait = Number(res.headers.get("retry-after") ?? "60");
        setMessage("Too many failed attempts. Sign-in is paused.");
        setLockedUntil(Date.now() + wait * 1000);
      } else if (res.status === 401) {
        setMessage("Wrong password. Please try again.");
        password.current?.select();
      } else setMessage(body.error ?? `Sign-in failed (HTTP ${res.status})`);
    } catch {
      setMessage("The server cannot be reached. Check the connection and try again.");
    } finally {
      setBusy(false);
    }
  };

  // Only a hydrated form disables itself: a no-JS page must stay usable once the wait is over.
  const locked = lockedUntil > 0;
  return (
    <form method="post" action="/login" class="card login" onSubmit={submit}>
      <h1>Sign in</h1>
      <p class="hint">De-identify DICOM studies on this server. Files never leave it.</p>
      <label for="password">Password</label>
      <input
        id="password"
        ref={password}
        type="password"
        name="password"
        autocomplete="current-password"
        required
        autofocus
      />
      <p role="alert" class={message ? "alert" : "alert empty"}>{message}</p>
      {locked && (
        <p class="countdown" role="timer" aria-label="Time until you can try again">
          Try again in <strong data-testid="countdown">{formatClock(left)}</strong>
        </p>
      )}
      <button type="submit" disabled={busy || locked}>{busy ? "Signing in…" : "Sign in"}</button>
    </form>
  );
}
