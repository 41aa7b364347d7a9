-- The audit trail is append-only (R11): rows are inserted and never changed
-- or removed — not by the app (it has no update or delete path), and not by
-- anything else that reaches the database (a SQL console, a script). A
-- trigger refuses UPDATE, DELETE and TRUNCATE on "AuditLog".

-- CreateFunction
CREATE FUNCTION "meterdesk_audit_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit trail is append-only: % on "AuditLog" is refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

-- CreateTrigger
CREATE TRIGGER "AuditLog_append_only"
BEFORE UPDATE OR DELETE ON "AuditLog"
FOR EACH ROW EXECUTE FUNCTION "meterdesk_audit_append_only"();

-- CreateTrigger
CREATE TRIGGER "AuditLog_no_truncate"
BEFORE TRUNCATE ON "AuditLog"
FOR EACH STATEMENT EXECUTE FUNCTION "meterdesk_audit_append_only"();
