// Render the OpenAPI document named by the page, with the Swagger UI bundle served by the portal.
const root = document.getElementById("swagger-ui");
window.SwaggerUIBundle({
  url: root.dataset.openapi,
  domNode: root,
  deepLinking: true,
  validatorUrl: null,
});
