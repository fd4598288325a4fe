/* Starts Swagger UI on /api/v1/docs with the settings the page carries (no inline script). */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("swagger-settings").textContent);
  var csrf = document.body.getAttribute("data-csrf-token");
  config.dom_id = "#swagger-ui";
  config.presets = [SwaggerUIBundle.presets.apis];
  if (csrf) {
    // "Try it out" from a signed-in browser uses the session, which needs the CSRF token.
    config.requestInterceptor = function (req) { req.headers["X-CSRFToken"] = csrf; return req; };
  }
  window.ui = SwaggerUIBundle(config);
})();
