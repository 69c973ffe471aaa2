// Pactum's progressive enhancement. Every page works without it; this only makes some
// forms nicer. No inline script anywhere: the Content-Security-Policy forbids it.
(function () {
  'use strict';

  // Public forms carry a proof-of-work puzzle that keeps bots out. A web worker solves it
  // while the person fills in the form; sending waits for the answer if it is not there yet.
  var form = document.querySelector('form[data-pow-worker]');
  if (!form || !window.Worker) {
    return;
  }
  var challenge = form.querySelector('input[name="challenge"]');
  var nonce = form.querySelector('input[name="nonce"]');
  var status = form.querySelector('[data-pow-status]');
  var solved = false;
  var waiting = false;
  var worker = new Worker(form.getAttribute('data-pow-worker'));
  worker.onmessage = function (event) {
    nonce.value = String(event.data);
    solved = true;
    if (waiting) {
      form.submit();
    }
  };
  worker.postMessage(challenge.value);
  form.addEventListener('submit', function (event) {
    if (solved) {
      return;
    }
    event.preventDefault();
    waiting = true;
    if (status) {
      status.textContent = status.getAttribute('data-pow-status');
    }
  });
})();
