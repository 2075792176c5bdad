"""What the server answers: one ASGI app joining Datasette, the API and the reading pages."""
