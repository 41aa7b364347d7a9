// GET /api/v1/openapi.json: the OpenAPI 3.1 description of the metering API (R9.5).
import { openApiDocument } from "@/lib/api/openapi";

export const dynamic = "force-static";

export function GET(): Response {
  return Response.json(openApiDocument);
}
