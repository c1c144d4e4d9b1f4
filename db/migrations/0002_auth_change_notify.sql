-- Every instance keeps a short-lived cache of sessions it has read. Any change to a
-- session or user row is announced on the keyway_auth channel so that every instance
-- drops what it cached, whichever instance (or the CLI, or SQL) made the change.
CREATE OR REPLACE FUNCTION keyway_notify_session_change() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('keyway_auth', json_build_object('kind', 'session', 'token', OLD.token)::text);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION keyway_notify_user_change() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('keyway_auth', json_build_object('kind', 'user', 'id', OLD.id)::text);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER session_change_notify AFTER UPDATE OR DELETE ON "session"
  FOR EACH ROW EXECUTE FUNCTION keyway_notify_session_change();
--> statement-breakpoint
CREATE TRIGGER user_change_notify AFTER UPDATE OR DELETE ON "user"
  FOR EACH ROW EXECUTE FUNCTION keyway_notify_user_change();
