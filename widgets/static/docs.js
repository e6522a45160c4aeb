// Starts Swagger UI from local files; a separate file because the pages allow no inline script.
window.SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui' });
