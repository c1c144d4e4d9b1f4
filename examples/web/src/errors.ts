import { type AuthError, type AuthResult, fieldErrors, isApiError, isForbidden, isNetworkError, isUnauthorized, KEYWAY_ERROR_CODES } from "@keyway/sdk";

/** A refused Better Auth call, thrown so TanStack Query and forms handle both clients alike. */
export class AuthRequestError extends Error {
  readonly code: string | undefined;
  readonly status: number;
  constructor(error: AuthError) {
    super(error.message || error.statusText || "The request was refused");
    this.name = "AuthRequestError";
    this.code = error.code;
    this.status = error.status;
  }
}

/** The data of a Better Auth call, or its error thrown. */
export async function unwrap<T>(result: AuthResult<T>): Promise<T> {
  const { data, error } = await result;
  if (error) throw new AuthRequestError(error);
  return data as T;
}

/** Better Auth's and keyway's error codes that belong to one field of a form. */
const AUTH_FIELD: Record<string, string> = {
  INVALID_EMAIL: "email",
  USER_ALREADY_EXISTS: "email",
  USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: "email",
  PASSWORD_TOO_SHORT: "password",
  PASSWORD_TOO_LONG: "password",
  [KEYWAY_ERROR_CODES.PASSWORD_TOO_COMMON.code]: "password",
  [KEYWAY_ERROR_CODES.PASSWORD_COMPROMISED.code]: "password",
  INVALID_PASSWORD: "password",
  USERNAME_IS_ALREADY_TAKEN: "username",
  INVALID_CODE: "code",
  INVALID_TWO_FACTOR_CODE: "code",
  INVALID_BACKUP_CODE: "code",
  INVALID_OTP: "code",
  OTP_EXPIRED: "code",
  INVALID_PHONE_NUMBER: "phoneNumber",
  SLUG_IS_TAKEN: "slug",
  ORGANIZATION_ALREADY_EXISTS: "slug",
};

const READABLE: Record<string, string> = {
  PASSWORD_TOO_SHORT: "The password must have at least 8 characters.",
  PASSWORD_TOO_LONG: "The password may have at most 128 characters.",
  INVALID_EMAIL_OR_PASSWORD: "That email and password do not match an account.",
  USER_ALREADY_EXISTS: "An account with this email already exists. Sign in instead.",
  USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: "An account with this email already exists. Sign in instead.",
  INVALID_OTP: "That code is not right. Check the message and type it again.",
  OTP_EXPIRED: "That code has expired. Ask for a new one.",
  INVALID_PHONE_NUMBER: "Type the number with its country code, e.g. +14155550123.",
};

const readable = (error: AuthRequestError) => (error.code && READABLE[error.code]) || error.message;

/**
 * One sentence for the user, whatever failed. Messages about a field the form shows (`shownFields`)
 * are next to that field, so the sentence only points at them.
 */
export function messageOf(error: unknown, shownFields: readonly string[] = []): string {
  const fields = Object.entries(errorsByField(error)).filter(([, messages]) => messages?.length);
  if (fields.length > 0 && fields.every(([field]) => shownFields.includes(field))) {
    return "Some fields need attention: see the messages next to them.";
  }
  if (error instanceof AuthRequestError) return readable(error);
  if (fields.length > 0) return fields.map(([field, messages]) => `${field}: ${messages!.join(" ")}`).join(" ");
  if (isNetworkError(error)) return "keyway could not be reached. Check your connection and try again.";
  if (isUnauthorized(error)) return "Your session has ended. Sign in again.";
  if (isForbidden(error)) return `Not allowed: ${error instanceof Error ? error.message : "you may not do this"}`;
  if (isApiError(error) || error instanceof Error) return error.message;
  return "Something went wrong.";
}

/** Messages per field: zod's from the API, or the field a Better Auth error code names. */
export function errorsByField(error: unknown): Record<string, string[] | undefined> {
  if (error instanceof AuthRequestError) {
    const field = error.code ? AUTH_FIELD[error.code] : undefined;
    return field ? { [field]: [readable(error)] } : {};
  }
  return fieldErrors(error);
}
