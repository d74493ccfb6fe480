"""sandbox subsystem."""
