export * from "./auth.js";
export * from "./app.js";
export * from "./audit.js";
export * from "./organizations.js";
export * from "./durable.js";
