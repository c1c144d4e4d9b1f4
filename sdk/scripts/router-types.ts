/**
 * Writes sdk/src/router-types.ts: keyway's tRPC router as plain types. Every procedure's
 * input and output is spelled out structurally and the context is a plain `object`, so the
 * SDK's declarations import nothing from the server (fastify, drizzle, pg, better-auth).
 *
 *   node --import tsx sdk/scripts/router-types.ts          write the file
 *   node --import tsx sdk/scripts/router-types.ts --check  exit 1 if it is out of date
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = fileURLToPath(new URL("../../", import.meta.url));
const routerFile = `${root}server/trpc/router.ts`;
export const outputFile = `${root}sdk/src/router-types.ts`;

const identifier = /^[A-Za-z_$][\w$]*$/;
const propertyName = (name: string) => (identifier.test(name) ? name : JSON.stringify(name));

export function generateRouterTypes(): string {
  const config = ts.getParsedCommandLineOfConfigFile(`${root}tsconfig.json`, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (!config) throw new Error("cannot read tsconfig.json");
  const program = ts.createProgram([routerFile], config.options);
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(routerFile);
  if (!source) throw new Error(`cannot read ${routerFile}`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  const appRouter = moduleSymbol && checker.getExportsOfModule(moduleSymbol).find((symbol) => symbol.name === "appRouter");
  if (!appRouter) throw new Error("server/trpc/router.ts does not export appRouter");

  const propertyType = (type: ts.Type, name: string) => {
    const property = type.getProperty(name);
    if (!property) throw new Error(`expected a property ${name} on ${checker.typeToString(type)}`);
    return checker.getTypeOfSymbol(property);
  };

  const isLibraryType = (type: ts.Type) =>
    (type.aliasSymbol ?? type.getSymbol())?.declarations?.some((declaration) => program.isSourceFileDefaultLibrary(declaration.getSourceFile())) ?? false;

  /** The type written out in full, down to primitives and the standard library's own types. */
  const print = (type: ts.Type, seen: ts.Type[] = []): string => {
    if (seen.includes(type)) return "unknown";
    const flags = type.flags;
    if (flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.String | ts.TypeFlags.Number | ts.TypeFlags.Boolean | ts.TypeFlags.BigInt | ts.TypeFlags.Null | ts.TypeFlags.Undefined | ts.TypeFlags.Void | ts.TypeFlags.Never | ts.TypeFlags.BooleanLiteral | ts.TypeFlags.ESSymbol)) {
      return checker.typeToString(type);
    }
    if (type.isStringLiteral()) return JSON.stringify(type.value);
    if (type.isNumberLiteral()) return String(type.value);
    if (flags & ts.TypeFlags.TemplateLiteral) return checker.typeToString(type);
    const inner = [...seen, type];
    if (type.isUnion()) {
      const members = type.types.map((member) => print(member, inner));
      // `true | false` comes back from the checker as two literals.
      const booleans = members.includes("true") && members.includes("false");
      const rest = members.filter((member) => !(booleans && (member === "true" || member === "false")));
      return [...new Set(booleans ? ["boolean", ...rest] : rest)].join(" | ");
    }
    if (checker.isTupleType(type)) {
      return `[${checker.getTypeArguments(type as ts.TypeReference).map((element) => print(element, inner)).join(", ")}]`;
    }
    if (checker.isArrayType(type)) {
      const [element] = checker.getTypeArguments(type as ts.TypeReference);
      return `Array<${print(element!, inner)}>`;
    }
    if (isLibraryType(type)) return checker.typeToString(type, undefined, ts.TypeFormatFlags.NoTruncation);
    if (flags & ts.TypeFlags.Object || type.isIntersection()) {
      const members = checker.getPropertiesOfType(type).map((property) => {
        const optional = property.flags & ts.SymbolFlags.Optional ? "?" : "";
        return `${propertyName(property.name)}${optional}: ${print(checker.getTypeOfSymbol(property), inner)}`;
      });
      const indexes = checker.getIndexInfosOfType(type).map((info) => `[key: ${checker.typeToString(info.keyType)}]: ${print(info.type, inner)}`);
      const all = [...indexes, ...members];
      return all.length === 0 ? "{}" : `{ ${all.join("; ")} }`;
    }
    throw new Error(`cannot spell out the type ${checker.typeToString(type)}`);
  };

  const isProcedure = (type: ts.Type) => {
    const definition = type.getProperty("_def");
    return definition !== undefined && checker.getTypeOfSymbol(definition).getProperty("procedure") !== undefined;
  };
  const wrappers = new Set<string>();

  const printRecord = (record: ts.Type, indent: string): string => {
    const entries = checker.getPropertiesOfType(record).map((property) => {
      const value = checker.getTypeOfSymbol(property);
      if (!isProcedure(value)) return `${indent}  ${propertyName(property.name)}: ${printRecord(value, `${indent}  `)};`;
      const definition = propertyType(value, "_def");
      const kind = (propertyType(definition, "type") as ts.StringLiteralType).value;
      const types = propertyType(definition, "$types");
      const wrapper = { query: "TRPCQueryProcedure", mutation: "TRPCMutationProcedure", subscription: "TRPCSubscriptionProcedure" }[kind]!;
      wrappers.add(wrapper);
      return `${indent}  ${propertyName(property.name)}: ${wrapper}<{ input: ${print(propertyType(types, "input"))}; output: ${print(propertyType(types, "output"))}; meta: object }>;`;
    });
    return `{\n${entries.join("\n")}\n${indent}}`;
  };

  const routerType = checker.getTypeOfSymbol(appRouter);
  const definition = propertyType(routerType, "_def");
  const errorShape = propertyType(propertyType(propertyType(definition, "_config"), "$types"), "errorShape");

  const record = printRecord(propertyType(definition, "record"), "");
  return `// Generated by sdk/scripts/router-types.ts from server/trpc/router.ts. Do not edit: run \`npm run build -w sdk\`.
import type { ${["TRPCBuiltRouter", ...[...wrappers].sort()].join(", ")} } from "@trpc/server";

export type ErrorShape = ${print(errorShape)};

export type AppRouterRecord = ${record};

export type AppRouter = TRPCBuiltRouter<{ ctx: object; meta: object; errorShape: ErrorShape; transformer: true }, AppRouterRecord>;
`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const generated = generateRouterTypes();
  if (process.argv.includes("--check")) {
    if (readFileSync(outputFile, "utf8") !== generated) {
      console.error("sdk/src/router-types.ts is out of date: run `npm run build -w sdk`");
      process.exit(1);
    }
  } else {
    writeFileSync(outputFile, generated);
  }
}
