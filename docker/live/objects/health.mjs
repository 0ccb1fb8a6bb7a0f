// Live test only: the health check of the node stand-ins (s3rver, the fake Ollama), which have
// no curl or wget. Usage: node health.mjs URL STATUS — exit 0 when GET URL answers STATUS.
// (An argument, not `node -e "..."`: podman 4.3 splits a health check's CMD words at spaces.)
const [, , url, status] = process.argv;
fetch(url, { signal: AbortSignal.timeout(3000) }).then(
  (r) => process.exit(r.status === Number(status) ? 0 : 1),
  () => process.exit(1));
