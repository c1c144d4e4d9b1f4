/** Better Auth endpoints whose success is recorded, and under which action name. */
export const AUDITED_PATHS: Record<string, { action: string; target?: "user" | "session" }> = {
  "/sign-up/email": { action: "user.sign_up" },
  "/sign-in/email": { action: "session.sign_in" },
  "/sign-in/username": { action: "session.sign_in" },
  "/sign-in/email-otp": { action: "session.sign_in" },
  "/magic-link/verify": { action: "session.sign_in" },
  "/two-factor/verify-totp": { action: "session.sign_in_second_factor" },
  "/two-factor/verify-otp": { action: "session.sign_in_second_factor" },
  "/two-factor/verify-backup-code": { action: "session.sign_in_second_factor" },
  "/sign-out": { action: "session.sign_out" },
  "/revoke-session": { action: "session.revoke" },
  "/revoke-sessions": { action: "session.revoke_all" },
  "/revoke-other-sessions": { action: "session.revoke_others" },
  "/change-password": { action: "user.password_change" },
  "/reset-password": { action: "user.password_reset" },
  "/change-email": { action: "user.email_change_requested" },
  "/verify-email": { action: "user.email_verified" },
  "/two-factor/enable": { action: "two_factor.enable" },
  "/two-factor/disable": { action: "two_factor.disable" },
  "/delete-user/callback": { action: "user.delete" },
  "/admin/set-role": { action: "admin.role_change", target: "user" },
  "/admin/ban-user": { action: "admin.ban", target: "user" },
  "/admin/unban-user": { action: "admin.unban", target: "user" },
  "/admin/impersonate-user": { action: "admin.impersonation_start", target: "user" },
  "/admin/stop-impersonating": { action: "admin.impersonation_stop" },
  "/admin/remove-user": { action: "admin.user_remove", target: "user" },
  "/admin/create-user": { action: "admin.user_create" },
  "/admin/update-user": { action: "admin.user_update", target: "user" },
  "/admin/set-user-password": { action: "admin.password_set", target: "user" },
  "/admin/revoke-user-session": { action: "admin.session_revoke" },
  "/admin/revoke-user-sessions": { action: "admin.sessions_revoke", target: "user" },
};

/** Failed sign-ins are recorded too: the failure is the event. */
export const SIGN_IN_PATHS = new Set(["/sign-in/email", "/sign-in/username", "/sign-in/email-otp"]);

/** Endpoints after which the caller's session is gone: read it before they run. */
export const ACTOR_BEFORE = new Set(["/sign-out", "/delete-user/callback", "/admin/stop-impersonating", "/revoke-sessions"]);
