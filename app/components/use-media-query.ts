import { useEffect, useState } from "react";

/**
 * Whether the viewport matches a CSS media query, following it as it changes (a phone turned sideways).
 * False on the server and in the first render, so a page hydrates as the server drew it.
 */
export function useMediaQuery(query: string): boolean {
  const [matches, setMatches] = useState(false);
  useEffect(() => {
    const list = window.matchMedia(query);
    const update = () => setMatches(list.matches);
    update();
    list.addEventListener("change", update);
    return () => list.removeEventListener("change", update);
  }, [query]);
  return matches;
}
