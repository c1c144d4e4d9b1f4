import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";

export interface Tracing {
  /** Exports the spans still buffered, then stops. */
  shutdown(): Promise<void>;
}

/**
 * Registers the process's global tracer provider: spans are batched and sent over OTLP/HTTP to
 * OTEL_EXPORTER_OTLP_ENDPOINT (the exporter and the batch processor read the standard OTEL_*
 * variables themselves), and the active span follows async code through AsyncLocalStorage.
 * Better Auth's own spans, and ours, go to it from then on.
 */
export function startTracing({ serviceName }: { serviceName: string }): Tracing {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  provider.register();
  return { shutdown: () => provider.shutdown() };
}
