// Liveness and readiness: answers 200 once the database answers.
import { NextResponse } from "next/server";
import { database } from "@/lib/db";

export const dynamic = "force-dynamic";

export async function GET() {
  try {
    const db = await database();
    await db.sql.query("select 1");
    return NextResponse.json({ ok: true, database: db.target.kind });
  } catch (error) {
    console.error("[health] database unavailable", error);
    return NextResponse.json({ ok: false, error: "database unavailable" }, { status: 503 });
  }
}
