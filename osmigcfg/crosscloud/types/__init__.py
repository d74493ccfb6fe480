"""The resource types: one module per type, registered on import."""
