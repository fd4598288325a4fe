"""Case pages, one module per concern (thin: services and selectors do the work)."""
