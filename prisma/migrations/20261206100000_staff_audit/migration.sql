-- Staff roles (R11): an append-only record of every change to who is staff
-- and with which role — who did it, when, to whom, before and after, why.
-- Like "AuditLog", it is never changed or removed: not by the app (it has no
-- update or delete path) and not by anything else that reaches the database.
-- A trigger refuses UPDATE, DELETE and TRUNCATE on "StaffAuditLog".

-- CreateTable
CREATE TABLE "StaffAuditLog" (
    "id" BIGSERIAL NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "actorId" UUID,
    "actorEmail" TEXT NOT NULL,
    "actorRole" TEXT NOT NULL,
    "targetUserId" UUID NOT NULL,
    "targetEmail" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "roleBefore" "StaffRole",
    "roleAfter" "StaffRole",
    "reason" TEXT NOT NULL,
    "idempotencyKey" TEXT,

    CONSTRAINT "StaffAuditLog_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "StaffAuditLog_idempotencyKey_key" ON "StaffAuditLog"("idempotencyKey");

-- CreateIndex
CREATE INDEX "StaffAuditLog_createdAt_idx" ON "StaffAuditLog"("createdAt");

-- CreateIndex
CREATE INDEX "StaffAuditLog_targetUserId_createdAt_idx" ON "StaffAuditLog"("targetUserId", "createdAt");

-- CreateFunction
CREATE FUNCTION "meterdesk_staff_audit_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the staff audit trail is append-only: % on "StaffAuditLog" is refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

-- CreateTrigger
CREATE TRIGGER "StaffAuditLog_append_only"
BEFORE UPDATE OR DELETE ON "StaffAuditLog"
FOR EACH ROW EXECUTE FUNCTION "meterdesk_staff_audit_append_only"();

-- CreateTrigger
CREATE TRIGGER "StaffAuditLog_no_truncate"
BEFORE TRUNCATE ON "StaffAuditLog"
FOR EACH STATEMENT EXECUTE FUNCTION "meterdesk_staff_audit_append_only"();
