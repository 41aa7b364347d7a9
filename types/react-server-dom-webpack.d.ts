// React's Flight renderer, used by the server-component tests (lib/**/*.rsc.test.tsx).
declare module "react-server-dom-webpack/server" {
  import type { ReactNode } from "react";
  export function renderToReadableStream(
    model: ReactNode,
    webpackMap: Record<string, unknown>,
    options?: { onError?: (error: unknown) => void },
  ): ReadableStream<Uint8Array>;
}
