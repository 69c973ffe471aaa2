// Solves a Pactum proof-of-work challenge `id.difficulty.expires.mac`: finds the first
// nonce for which SHA-256(challenge + ":" + nonce) starts with `difficulty` zero bits.
'use strict';

function leadingZeroBits(bytes) {
  var n = 0;
  for (var i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0) {
      n += 8;
      continue;
    }
    return n + Math.clz32(bytes[i]) - 24;
  }
  return n;
}

self.onmessage = async function (event) {
  var challenge = String(event.data);
  var difficulty = parseInt(challenge.split('.')[1], 10) || 0;
  var encoder = new TextEncoder();
  var batch = 256;
  for (var start = 0; ; start += batch) {
    var digests = [];
    for (var nonce = start; nonce < start + batch; nonce++) {
      digests.push(crypto.subtle.digest('SHA-256', encoder.encode(challenge + ':' + nonce)));
    }
    var results = await Promise.all(digests);
    for (var i = 0; i < results.length; i++) {
      if (leadingZeroBits(new Uint8Array(results[i])) >= difficulty) {
        self.postMessage(start + i);
        return;
      }
    }
  }
};
