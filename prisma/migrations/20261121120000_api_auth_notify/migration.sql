-- The API caches each key with its workspace's rate limits in every app
-- process. Whatever changes what that lookup returns (a key revoked or
-- replaced, a support override, a plan change, a plan's own limits) notifies
-- the channel "meterdesk_api_auth" with the workspace id ('*' for a plan's
-- limits, which concern every workspace on it). NOTIFY is transactional: it
-- is delivered when the change commits, and only if it does. Triggers, not
-- application code, so that a change made by any path (a support action, the
-- billing clock, a SQL console) reaches the caches.

-- CreateFunction
CREATE FUNCTION "meterdesk_api_auth_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'PlanRateLimit' THEN
    PERFORM pg_notify('meterdesk_api_auth', '*');
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM pg_notify('meterdesk_api_auth', OLD."workspaceId"::text);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM pg_notify('meterdesk_api_auth', NEW."workspaceId"::text);
  END IF;
  RETURN NULL;
END
$$;

-- CreateTrigger
CREATE TRIGGER "ApiKey_api_auth_changed"
AFTER UPDATE OF "workspaceId", "prefix", "secretHash", "revokedAt" OR DELETE ON "ApiKey"
FOR EACH ROW EXECUTE FUNCTION "meterdesk_api_auth_changed"();

-- CreateTrigger
CREATE TRIGGER "Subscription_api_auth_changed"
AFTER INSERT OR UPDATE OF "workspaceId", "planId", "status" OR DELETE ON "Subscription"
FOR EACH ROW EXECUTE FUNCTION "meterdesk_api_auth_changed"();

-- CreateTrigger
CREATE TRIGGER "WorkspaceRateLimit_api_auth_changed"
AFTER INSERT OR UPDATE OR DELETE ON "WorkspaceRateLimit"
FOR EACH ROW EXECUTE FUNCTION "meterdesk_api_auth_changed"();

-- CreateTrigger
CREATE TRIGGER "PlanRateLimit_api_auth_changed"
AFTER INSERT OR UPDATE OR DELETE ON "PlanRateLimit"
FOR EACH STATEMENT EXECUTE FUNCTION "meterdesk_api_auth_changed"();
