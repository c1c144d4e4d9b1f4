import { KeywayProvider } from "@keyway/sdk/react";
import { QueryClient } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router";
import { App } from "./App";
import { keyway } from "./keyway";
import "./styles.css";

// The SDK already retries queries that could not reach the server; a refusal (401, 403, 400)
// is an answer, shown at once rather than asked again.
const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <KeywayProvider client={keyway} queryClient={queryClient}>
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </KeywayProvider>
  </StrictMode>,
);
