/**
 * What every response carries, static files included: an enforced Content-Security-Policy, no framing,
 * no MIME sniffing, a strict referrer policy, camera and microphone for our own origin only, and HSTS in
 * production. Computed once at start (`securityHeaders`); a page then replaces the policy with one that
 * carries a fresh nonce for its inline scripts (`contentSecurityPolicy`).
 */
export function securityHeaders(options: { production: boolean; twilio: boolean }): Record<string, string> {
  return {
    "Content-Security-Policy": contentSecurityPolicy({ nonce: null, twilio: options.twilio }),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(self), microphone=(self), display-capture=(self), geolocation=(), payment=(), usb=()",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    ...(options.production ? { "Strict-Transport-Security": "max-age=31536000; includeSubDomains" } : {}),
  };
}

/**
 * A page's policy allows its own inline scripts by `nonce`. A static file gets none (`nonce: null`), and
 * may compile WebAssembly instead: background blur's worker (/vendor/video-processors) runs under the
 * policy of its own response, and compiles its model's WASM there. Pages never compile WASM.
 */
export function contentSecurityPolicy(options: { nonce: string | null; twilio: boolean }): string {
  const connect = ["'self'", ...(options.twilio ? ["https://*.twilio.com", "wss://*.twilio.com"] : [])];
  return [
    "default-src 'self'",
    options.nonce === null ? "script-src 'self' 'wasm-unsafe-eval'" : `script-src 'self' 'nonce-${options.nonce}'`,
    // Inline style attributes place the schedule's blocks; no inline style elements are used.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    `connect-src ${connect.join(" ")}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** State-changing requests must come from our own pages: the Origin header names this very site. */
export function isSameOrigin(origin: string | undefined, expected: string): boolean {
  return Boolean(origin) && origin === expected;
}
