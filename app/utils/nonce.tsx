import { createContext, useContext } from "react";

/** The Content-Security-Policy nonce of this response, for the few scripts Remix writes inline. */
const NonceContext = createContext("");
export const NonceProvider = NonceContext.Provider;
export const useNonce = () => useContext(NonceContext);
