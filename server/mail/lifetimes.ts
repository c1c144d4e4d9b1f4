/** How long each mailed secret works, in seconds: Better Auth's options and the mail's words read these. */
export const SECRET_LIFETIME_SECONDS = {
  resetLink: 60 * 60,
  verificationLink: 24 * 60 * 60,
  magicLink: 5 * 60,
  emailCode: 5 * 60,
} as const;

/** "an hour", "24 hours", "5 minutes". */
export function inWords(seconds: number): string {
  if (seconds % 3600 === 0) return seconds === 3600 ? "an hour" : `${seconds / 3600} hours`;
  const minutes = Math.round(seconds / 60);
  return minutes === 1 ? "a minute" : `${minutes} minutes`;
}
