import { inWords, SECRET_LIFETIME_SECONDS as LIFETIME } from "./lifetimes.js";

/** Every message keyway sends: plain text and HTML from one place. Links come from Better Auth, built on BETTER_AUTH_URL. */
export interface Rendered {
  subject: string;
  text: string;
  html: string;
}

const escape = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function render(subject: string, lines: string[], action?: { label: string; url: string }, code?: string): Rendered {
  const text = [...lines, ...(action ? ["", `${action.label}: ${action.url}`] : []), ...(code ? ["", `Code: ${code}`] : [])].join("\n");
  const html = [
    `<!doctype html><html><body style="font-family:sans-serif">`,
    ...lines.map((line) => `<p>${escape(line)}</p>`),
    action ? `<p><a href="${escape(action.url)}">${escape(action.label)}</a></p>` : "",
    code ? `<p style="font-size:1.5em;letter-spacing:0.2em"><strong>${escape(code)}</strong></p>` : "",
    `<p style="color:#666">If you did not ask for this, you can ignore this message.</p></body></html>`,
  ].join("");
  return { subject, text, html };
}

export const templates = {
  verifyEmail: (url: string) =>
    render("Confirm your email address", ["Confirm your email address to finish setting up your account."], { label: "Confirm email", url }),
  resetPassword: (url: string) =>
    render("Reset your password", [`Someone asked to reset the password of your account. The link works once and expires in ${inWords(LIFETIME.resetLink)}.`], {
      label: "Choose a new password",
      url,
    }),
  changeEmail: (newEmail: string, url: string) =>
    render("Confirm changing your email address", [`Someone asked to change the email address of your account to ${newEmail}.`], {
      label: "Confirm the change",
      url,
    }),
  deleteAccount: (url: string) =>
    render("Confirm deleting your account", ["Someone asked to delete your account. This cannot be undone."], { label: "Delete my account", url }),
  magicLink: (url: string) =>
    render("Your sign-in link", [`Use this link to sign in. It works once and expires in ${inWords(LIFETIME.magicLink)}.`], { label: "Sign in", url }),
  emailOtp: (code: string, purpose: string) =>
    render("Your one-time code", [`Your code to ${purpose}. It expires in ${inWords(LIFETIME.emailCode)}.`], undefined, code),
  twoFactorOtp: (code: string) => render("Your sign-in code", ["Enter this code to finish signing in."], undefined, code),
  invitation: (organization: string, inviter: string, url: string) =>
    render(`Join ${organization}`, [`${inviter} invited you to join ${organization}.`], { label: "Accept the invitation", url }),
};
