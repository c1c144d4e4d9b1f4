/** A session as its owner and admins see it: never its token. */
export const sessionView = (entry: {
  id: string;
  createdAt: Date;
  updatedAt: Date;
  expiresAt: Date;
  ipAddress?: string | null;
  userAgent?: string | null;
}) => ({
  id: entry.id,
  createdAt: entry.createdAt,
  updatedAt: entry.updatedAt,
  expiresAt: entry.expiresAt,
  ipAddress: entry.ipAddress ?? null,
  userAgent: entry.userAgent ?? null,
});
