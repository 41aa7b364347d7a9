// The front door: signed-in people go to their workspace (or the support
// console), everyone else to sign-in.
import { redirect } from "next/navigation";
import { getSessionUser, homePathFor } from "@/lib/auth/access";

export default async function HomePage() {
  const user = await getSessionUser();
  redirect(user ? await homePathFor(user) : "/sign-in");
}
