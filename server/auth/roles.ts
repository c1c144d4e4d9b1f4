export const ROLES = ["user", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** Better Auth's admin plugin stores several roles as a comma-separated list. */
export function hasRole(user: { role?: string | null }, role: Role): boolean {
  return (user.role ?? "").split(",").some((value) => value.trim() === role);
}
