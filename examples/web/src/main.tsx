import { KeywayProvider } from "@keyway/sdk/react";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router";
import { App } from "./App";
import { keyway } from "./keyway";
import "./styles.css";

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <KeywayProvider client={keyway}>
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </KeywayProvider>
  </StrictMode>,
);
