"""One module per area, each exporting `router`."""
