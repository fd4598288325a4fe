"""Running an instance: health, metrics, backup and restore."""
