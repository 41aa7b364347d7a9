// Serves the production build: `npm start`. next-auth needs the public URL of
// the app; it defaults to http://localhost:$PORT.
import { spawn } from "node:child_process";

const port = process.env.PORT || "3000";
const env = { ...process.env, PORT: port, NEXTAUTH_URL: process.env.APP_URL || `http://localhost:${port}` };
const child = spawn("npx", ["--no-install", "next", "start", "-p", port, "-H", process.env.HOST || "0.0.0.0"], { stdio: "inherit", env });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
