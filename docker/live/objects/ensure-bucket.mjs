// Live test only: what objects-init's `mc mb --ignore-existing` does, for s3rver: makes the
// bucket S3_BUCKET at http://objects:9000 unless it exists, with Signature V4 requests
// (aws4) signed by S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY. Exit 0 once the bucket exists.
import http from 'node:http';
import { createRequire } from 'node:module';

const aws4 = createRequire(import.meta.url)('aws4');
const endpoint = new URL(process.env.S3_ENDPOINT || 'http://objects:9000');
const bucket = process.env.S3_BUCKET || 'startales';
const credentials = {
  accessKeyId: process.env.S3_ACCESS_KEY_ID, secretAccessKey: process.env.S3_SECRET_ACCESS_KEY,
};

function call(method) {
  const req = aws4.sign({
    host: endpoint.host, path: `/${bucket}`, method, service: 's3', region: 'us-east-1',
    headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
  }, credentials);
  return new Promise((resolve, reject) => {
    const r = http.request({ hostname: endpoint.hostname, port: endpoint.port, method,
      path: req.path, headers: req.headers, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    r.on('timeout', () => r.destroy(new Error('timed out')));
    r.on('error', reject);
    r.end();
  });
}

let status = await call('HEAD');
if (status === 404) status = await call('PUT');
if (status !== 200) {
  console.error(`ensure-bucket: ${endpoint.origin}/${bucket} answered HTTP ${status}`);
  process.exit(1);
}
console.log(`ensure-bucket: ${bucket} exists`);
