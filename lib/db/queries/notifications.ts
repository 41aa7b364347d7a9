import "server-only";

// The workspace's notification list (R14.1): every event that sent a notice,
// newest first, whoever it was emailed to (or to no one, when every member
// turned that kind off).
import type { PrismaClient } from "@/lib/generated/prisma/client";

export const NOTIFICATIONS_PAGE = 50;

export async function listNotifications(prisma: PrismaClient, workspaceId: string, take = NOTIFICATIONS_PAGE) {
  return prisma.workspaceNotification.findMany({
    where: { workspaceId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take,
    select: { id: true, kind: true, subject: true, summary: true, linkPath: true, createdAt: true },
  });
}

export type NotificationRow = Awaited<ReturnType<typeof listNotifications>>[number];
