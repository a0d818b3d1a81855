/**
 * Headers every page carries: an enforced Content-Security-Policy with a fresh nonce per response, no
 * framing, no MIME sniffing, a strict referrer policy, camera and microphone for our own origin only,
 * and HSTS in production.
 */
export function securityHeaders(options: { nonce: string; production: boolean; twilio: boolean }): Record<string, string> {
  const connect = ["'self'", ...(options.twilio ? ["https://*.twilio.com", "wss://*.twilio.com"] : [])];
  const policy = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${options.nonce}'`,
    // Inline style attributes place the schedule's blocks; no inline style elements are used.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    `connect-src ${connect.join(" ")}`,
    // Background blur's worker (/vendor/video-processors) compiles WebAssembly under its own response's
    // policy, and static files carry none: script-src needs no 'wasm-unsafe-eval'.
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  return {
    "Content-Security-Policy": policy,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(self), microphone=(self), display-capture=(self), geolocation=(), payment=(), usb=()",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    ...(options.production ? { "Strict-Transport-Security": "max-age=31536000; includeSubDomains" } : {}),
  };
}

/** State-changing requests must come from our own pages: the Origin header names this very site. */
export function isSameOrigin(origin: string | undefined, expected: string): boolean {
  return Boolean(origin) && origin === expected;
}
