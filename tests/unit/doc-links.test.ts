import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import GithubSlugger from "github-slugger";
import { type Token, type Tokens, lexer, walkTokens } from "marked";
import { expect, test } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const documents = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "*.md"], { cwd: root, encoding: "utf8" }).split("\n").filter(Boolean);

const tokensOf = (file: string) => lexer(readFileSync(resolve(root, file), "utf8"));

/** The anchors GitHub gives a document's headings. */
const anchorsOf = (tokens: Token[]) => {
  const slugger = new GithubSlugger();
  const anchors = new Set<string>();
  void walkTokens(tokens, (token) => {
    if (token.type === "heading") anchors.add(slugger.slug((token as Tokens.Heading).text));
  });
  return anchors;
};

/** What is wrong with `href` in `file`, or undefined when it resolves inside the repository. */
function problemOf(file: string, href: string): string | undefined {
  if (/^(https?:|mailto:)/i.test(href)) return undefined;
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith("//") || isAbsolute(href)) return "not a path inside the repository";
  const [path = "", anchor] = href.split("#");
  const target = path ? resolve(root, dirname(file), decodeURIComponent(path)) : resolve(root, file);
  const inRepository = relative(root, target);
  if (inRepository.startsWith("..") || isAbsolute(inRepository)) return "leaves the repository";
  if (!existsSync(target)) return "no such file";
  if (anchor && statSync(target).isFile() && target.endsWith(".md") && !anchorsOf(tokensOf(inRepository)).has(anchor)) {
    return `no heading #${anchor}`;
  }
  return undefined;
}

test("the repository has its documents (README.md, docs/, bench/README.md)", () => {
  expect(documents).toEqual(expect.arrayContaining(["README.md", "bench/README.md", "docs/architecture.md", "docs/configuration.md"]));
});

test("every link in the repository's documents resolves to a file inside it", () => {
  const broken: string[] = [];
  for (const file of documents) {
    void walkTokens(tokensOf(file), (token) => {
      if (token.type !== "link" && token.type !== "image") return;
      const problem = problemOf(file, (token as Tokens.Link).href);
      if (problem) broken.push(`${file}: ${(token as Tokens.Link).href} (${problem})`);
    });
  }
  expect(broken).toEqual([]);
});

test.each([
  ["README.md", "../shared/DESIGN.md", "leaves the repository"],
  ["docs/security.md", "../../shared/DESIGN.md", "leaves the repository"],
  ["docs/security.md", "/work/shared/DESIGN.md", "not a path inside the repository"],
  ["docs/security.md", "file:///etc/passwd", "not a path inside the repository"],
  ["docs/security.md", "missing.md", "no such file"],
  ["docs/security.md", "architecture.md#no-such-heading", "no heading #no-such-heading"],
])("a link from %s to %s is refused: %s", (file, href, problem) => {
  expect(problemOf(file, href)).toBe(problem);
});

test.each(["architecture.md", "architecture.md#layout", "../README.md#the-sdk", "../bench/README.md", "../examples/python", "https://trpc.io"])(
  "a link from docs/ to %s resolves",
  (href) => {
    expect(problemOf("docs/security.md", href)).toBeUndefined();
  },
);
