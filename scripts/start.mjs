// Serves the production build: `npm start` (after `npm run build`). The server
// is server/index.ts, bundled into .next/meterdesk/server.mjs: Next.js, with
// the metering API's hot path answered before Next.js routing. next-auth needs
// the public URL of the app; it defaults to http://localhost:$PORT.
import { spawn } from "node:child_process";
import fs from "node:fs";

const entry = ".next/meterdesk/server.mjs";
if (!fs.existsSync(entry)) {
  console.error(`${entry} is missing: run \`npm run build\` first.`);
  process.exit(1);
}
const port = process.env.PORT || "3000";
const env = {
  ...process.env,
  NODE_ENV: "production",
  PORT: port,
  HOST: process.env.HOST || "0.0.0.0",
  NEXTAUTH_URL: process.env.APP_URL || `http://localhost:${port}`,
};
const child = spawn(process.execPath, [entry], { stdio: "inherit", env });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
