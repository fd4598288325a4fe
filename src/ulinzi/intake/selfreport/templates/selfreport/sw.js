/* Ulinzi self-report service worker {{ version }}: keeps the form usable offline and
 * sends reports waiting in the outbox when the connection returns (Background Sync). */
'use strict';
importScripts('{{ outbox }}');

var CACHE = 'ulinzi-selfreport-{{ version }}';
var SCOPE = '{{ scope }}';
var PRECACHE = {{ precache|safe }};

self.addEventListener('install', function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) { return cache.addAll(PRECACHE); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener('activate', function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf('ulinzi-selfreport-') === 0 && name !== CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener('fetch', function (event) {
  var request = event.request;
  if (request.method !== 'GET') { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === 'navigate' && url.pathname === SCOPE) {
    // The form: fresh from the network when there is one, else the copy on the device.
    event.respondWith(
      fetch(request).then(function (response) {
        if (response.ok && !response.redirected) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(SCOPE, copy); });
        }
        return response;
      }).catch(function () {
        return caches.match(SCOPE).then(function (cached) { return cached || Response.error(); });
      })
    );
    return;
  }
  if (PRECACHE.indexOf(url.pathname) !== -1) {
    event.respondWith(
      caches.match(url.pathname).then(function (cached) { return cached || fetch(request); })
    );
  }
});

function flushOutbox() {
  return self.UlinziOutbox.flush('{{ api }}', function (item) { return item.csrf; })
    .then(function (result) {
      return self.clients.matchAll({ type: 'window' }).then(function (clients) {
        clients.forEach(function (client) { client.postMessage({ type: 'outbox', result: result }); });
        if (result.pending) { throw new Error('reports still waiting'); } // retry later
      });
    });
}

self.addEventListener('sync', function (event) {
  if (event.tag === 'ulinzi-outbox') { event.waitUntil(flushOutbox()); }
});
