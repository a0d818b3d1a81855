import { useEffect, useState, type ComponentType } from "react";

/**
 * A component whose code is a chunk of its own, fetched only by the browsers that show it (the doctor's
 * side of the room: a patient's phone never downloads it). Unlike React.lazy it never suspends: whoever
 * renders it calls `preload()` first — the server before it renders (in the loader), the browser before
 * it hydrates (`entry.client.tsx`, from the route's `handle.preload`) and before a navigation renders the
 * page (the route's `clientLoader`) — so the server's HTML and the first render in the browser agree. A
 * render that comes first anyway shows nothing until the chunk is there.
 */
export function splitComponent<P extends object>(load: () => Promise<ComponentType<P>>) {
  let Loaded: ComponentType<P> | null = null;
  let loading: Promise<void> | null = null;
  const preload = () =>
    (loading ??= load().then(
      (component) => void (Loaded = component),
      (error: unknown) => {
        loading = null;
        throw error;
      },
    ));
  function Split(props: P) {
    const [, setReady] = useState(Loaded !== null);
    useEffect(() => {
      if (!Loaded) preload().then(() => setReady(true), () => {});
    }, []);
    return Loaded ? <Loaded {...props} /> : null;
  }
  return Object.assign(Split, { preload });
}

/**
 * What a route may ask for before the browser hydrates it, from its loader's data and, after a form posted
 * without JavaScript, its action's (see `entry.client.tsx`).
 */
export type PreloadHandle = { preload?: (data: unknown, actionData?: unknown) => Promise<unknown> | undefined };
