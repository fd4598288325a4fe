/* The report form draws its own receipt code when it is sent, so that sending it again
   (a double click, a retry after no answer) is the same report: the server keeps only
   the code's hash and answers a resend with the report it already has. The same format
   as the server's codes: 20 symbols of Crockford base 32, 100 bits from
   crypto.getRandomValues (each byte's 5 low bits: 256 is a multiple of 32, so every
   symbol is equally likely). Without this script the server draws the code. */
(function () {
  "use strict";
  var ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

  function draw() {
    var bytes = new Uint8Array(20);
    window.crypto.getRandomValues(bytes);
    var code = "";
    for (var i = 0; i < bytes.length; i++) {
      if (i > 0 && i % 4 === 0) code += "-";
      code += ALPHABET.charAt(bytes[i] & 31);
    }
    return code;
  }

  if (!window.crypto || !window.crypto.getRandomValues) return;
  document.querySelectorAll("form[data-receipt-form]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var field = form.querySelector("input[name=receipt]");
      if (field && !field.value) field.value = draw();
    });
  });
})();
