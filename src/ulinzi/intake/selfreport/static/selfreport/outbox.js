/* Ulinzi self-report outbox: reports kept on the device (IndexedDB) until the server
 * has them. Shared by the page and the service worker. Each report carries a UUID made
 * on the device as its source_id, so sending it twice still records one incident. */
(function (global) {
  'use strict';
  var DB_NAME = 'ulinzi-selfreport';
  var STORE = 'outbox';

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = global.indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: 'id' });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result;
        var request = work(tx.objectStore(STORE));
        if (request) { request.onsuccess = function () { result = request.result; }; }
        tx.oncomplete = function () { db.close(); resolve(result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
        tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function uuid() {
    if (global.crypto && global.crypto.randomUUID) { return global.crypto.randomUUID(); }
    var b = new Uint8Array(16);
    global.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }

  var Outbox = {
    uuid: uuid,
    put: function (item) { return withStore('readwrite', function (s) { return s.put(item); }); },
    remove: function (id) { return withStore('readwrite', function (s) { return s.delete(id); }); },
    all: function () {
      return withStore('readonly', function (s) { return s.getAll(); }).then(function (items) {
        return (items || []).sort(function (a, b) { return a.saved_at - b.saved_at; });
      });
    },

    /* Send every waiting report. tokenFor(item) gives the CSRF token to use. Resolves to
     * {sent, pending, failed, offline, auth}. Only one flush runs at a time across the
     * page and the service worker (Web Locks), and the server ignores a repeated
     * source_id, so a report is recorded once. */
    flush: function (apiUrl, tokenFor) {
      var run = function () {
        var result = { sent: 0, pending: 0, failed: 0, offline: false, auth: false };
        return Outbox.all().then(function (items) {
          var chain = Promise.resolve();
          items.forEach(function (item) {
            chain = chain.then(function () {
              if (item.state === 'failed') { result.failed += 1; return; }
              if (result.offline) { result.pending += 1; return; }
              return fetch(apiUrl, {
                method: 'POST',
                credentials: 'same-origin',
                headers: {
                  'Content-Type': 'application/json',
                  'Accept': 'application/json',
                  'X-CSRFToken': tokenFor(item) || ''
                },
                body: JSON.stringify(item.payload)
              }).then(function (response) {
                if (response.ok) {
                  result.sent += 1;
                  return Outbox.remove(item.id);
                }
                if (response.status === 401 || response.status === 403) {
                  result.auth = true;
                  result.pending += 1;
                  return;
                }
                if (response.status === 429 || response.status >= 500) {
                  result.pending += 1;
                  return;
                }
                return response.text().then(function (text) {
                  var detail = text;
                  try { detail = JSON.parse(text).detail || text; } catch (e) { /* not JSON */ }
                  item.state = 'failed';
                  item.error = String(detail).slice(0, 500);
                  result.failed += 1;
                  return Outbox.put(item);
                });
              }, function () {
                result.offline = true;
                result.pending += 1;
              });
            });
          });
          return chain.then(function () { return result; });
        });
      };
      if (global.navigator && global.navigator.locks) {
        return global.navigator.locks.request('ulinzi-selfreport-outbox', run);
      }
      return run();
    }
  };
  global.UlinziOutbox = Outbox;
})(typeof self !== 'undefined' ? self : this);
