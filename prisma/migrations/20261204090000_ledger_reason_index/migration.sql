-- The ledger explorer lists a workspace's entries other than usage by time:
-- this index reads only those (few) rows instead of every usage row before them.
CREATE INDEX "LedgerEntry_workspaceId_reason_createdAt_idx" ON "LedgerEntry"("workspaceId", "reason", "createdAt");
