"""Every surface a person touches, served by one FastAPI app (DESIGN.md): the JSON API, the chat
widget and its no-JavaScript page, the staff console, health and metrics."""
