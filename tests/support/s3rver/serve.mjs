// s3rver (a third-party S3 implementation, npm) for the object store's tests, behind a
// Signature Version 4 check: s3rver 3.7 stores and lists objects like S3 but accepts any V4
// signature, so every request first goes through a gate that verifies it with `aws4` (another
// third-party implementation, the one the AWS SDK-less Node world signs with) against the one
// key pair given here, and answers S3's own error documents when it does not match:
// 403 SignatureDoesNotMatch, 403 InvalidAccessKeyId, 400 AuthorizationHeaderMalformed (wrong
// region), 400 XAmzContentSHA256Mismatch (the body is not what was signed), 403
// RequestTimeTooSkewed (more than 15 minutes off), 403 AccessDenied (unsigned).
//
// Usage: node serve.mjs --dir DIR --port PORT --bucket NAME --access-key-id ID
//                       --secret-access-key SECRET [--region us-east-1] [--host 127.0.0.1]
// Prints "s3 listening on HOST:PORT" once both servers listen; exits on SIGTERM. --host is the
// gate's address (0.0.0.0 in a container: docker/live/objects); s3rver itself stays on loopback.

import { createRequire } from 'node:module';
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';

const require = createRequire(import.meta.url);
const S3rver = require('s3rver');
const aws4 = require('aws4');
const AWSAccount = require('s3rver/lib/models/account');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
for (const need of ['dir', 'port', 'bucket', 'access-key-id', 'secret-access-key']) {
  if (!args[need]) { console.error(`serve.mjs: --${need} is required`); process.exit(2); }
}
const region = args.region || 'us-east-1';
const keyId = args['access-key-id'];
const secret = args['secret-access-key'];
AWSAccount.DUMMY_ACCOUNT.createKeyPair(keyId, secret);

const store = new S3rver({
  address: '127.0.0.1', port: 0, directory: args.dir, silent: !process.env.S3RVER_VERBOSE, vhostBuckets: false,
  configureBuckets: [{ name: args.bucket, configs: [] }],
});
const inner = await store.run();

function s3Error(res, status, code, message, method) {
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  const xml = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>' + code + '</Code><Message>' +
    message + '</Message><RequestId>' + requestId + '</RequestId></Error>';
  res.writeHead(status, { 'Content-Type': 'application/xml', 'x-amz-request-id': requestId });
  res.end(method === 'HEAD' ? undefined : xml);  // S3 sends no body to a HEAD
}

// The reason a request is refused, or null when it is signed right.
function check(req, body) {
  const auth = req.headers.authorization || '';
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return [403, 'AccessDenied', 'Access Denied'];
  const [, id, date, signedRegion, signedHeaders, signature] = m;
  if (id !== keyId) return [403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.'];
  if (signedRegion !== region) {
    return [400, 'AuthorizationHeaderMalformed', `The authorization header is malformed; the region '${signedRegion}' is wrong; expecting '${region}'`];
  }
  const amzDate = req.headers['x-amz-date'] || '';
  const when = Date.parse(amzDate.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
  if (!amzDate.startsWith(date) || Number.isNaN(when)) return [403, 'AccessDenied', 'Invalid x-amz-date'];
  if (Math.abs(Date.now() - when) > 15 * 60 * 1000) {
    return [403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.'];
  }
  const claimed = req.headers['x-amz-content-sha256'];
  if (!claimed) return [400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256'];
  if (claimed !== 'UNSIGNED-PAYLOAD' && claimed !== createHash('sha256').update(body).digest('hex')) {
    return [400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed."];
  }
  const headers = {};
  for (const name of signedHeaders.split(';')) {
    const value = req.headers[name];
    if (value === undefined) return [403, 'SignatureDoesNotMatch', `Signed header ${name} is missing.`];
    headers[name] = value;
  }
  const signer = new aws4.RequestSigner({
    service: 's3', region, method: req.method, path: req.url, headers, body,
    doNotModifyHeaders: true,
  }, { accessKeyId: keyId, secretAccessKey: secret });
  signer.datetime = amzDate;
  if (signer.signature() !== signature) {
    return [403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.'];
  }
  return null;
}

const gate = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const refused = check(req, body);
    if (refused) return s3Error(res, refused[0], refused[1], refused[2], req.method);
    const headers = { ...req.headers, 'content-length': String(body.length) };
    delete headers['transfer-encoding'];
    const forward = http.request({ host: '127.0.0.1', port: inner.port, method: req.method, path: req.url, headers }, (up) => {
      res.writeHead(up.statusCode, up.headers);
      up.pipe(res);
    });
    forward.on('error', (e) => s3Error(res, 500, 'InternalError', e.message, req.method));
    forward.end(body);
  });
});
const host = args.host || '127.0.0.1';
gate.listen(Number(args.port), host, () => {
  console.log(`s3 listening on ${host}:${gate.address().port}`);
});
const stop = () => { gate.close(); store.close().finally(() => process.exit(0)); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
