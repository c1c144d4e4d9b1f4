/**
 * Follows a mailed magic link as a browser does: opens our confirm page, then submits its form
 * (token from the link's fragment) from the page's own origin. Redirects are not followed.
 */
export async function confirmLink(link: string, { origin = new URL(link).origin, site = "same-origin" } = {}) {
  const url = new URL(link);
  const page = await fetch(new URL(url.pathname + url.search, url.origin));
  if (page.status !== 200) throw new Error(`confirm page answered ${page.status}`);
  const html = await page.text();
  const callbackURL = /name="callbackURL" value="([^"]*)"/.exec(html)?.[1]?.replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code))) ?? "/";
  return fetch(new URL(url.pathname + url.search, url.origin), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin, "sec-fetch-site": site },
    body: new URLSearchParams({ token: decodeURIComponent(url.hash.slice(1)), callbackURL }),
  });
}
